"""The consent date of test households: members' personal data is stored only for a household
that agreed (citizens.services), so households that get citizens in tests carry one."""

import datetime

CONSENTED = datetime.date(2026, 1, 5)
