"""A citizen's rights over their data (Decree 13/2023, Law 91/2025): a copy of what the portal
holds about them, and erasure of what identifies them with the figures kept."""

from __future__ import annotations

from django.db import transaction

from core.text import fold

from ..models import Citizen
from .registry import ANONYMOUS_NAME


def citizen_personal_data(*, citizen: Citizen) -> dict:
    """Everything the portal holds about one person, for giving it to them."""
    household = citizen.household
    return {
        "full_name": citizen.full_name,
        "birth_year": citizen.birth_year,
        "sex": citizen.get_sex_display() if citizen.sex else "",
        "phone": citizen.phone,
        "id_number": citizen.masked_id_number,
        "household": {
            "head_name": household.head_name,
            "address": household.address,
            "hamlet": household.hamlet.name,
            "consent_on": household.consent_on.isoformat() if household.consent_on else None,
        },
        "help_received": [
            {
                "date": assistance.visit.visited_on.isoformat(),
                "app": assistance.app.name,
                "outcome": assistance.outcome.name,
            }
            for assistance in citizen.assistances.select_related(
                "visit", "app", "outcome"
            ).order_by("visit__visited_on", "pk")
        ],
    }


@transaction.atomic
def citizen_anonymise(*, citizen: Citizen) -> Citizen:
    """Erase what identifies the person (name, phone, ID number, year of birth, sex) and keep
    the record and its help received, so every figure (citizens, citizens helped per app)
    stays as it was. Cannot be undone."""
    citizen.full_name = f"{ANONYMOUS_NAME} #{citizen.pk}"
    citizen.search_key = fold(citizen.full_name)
    citizen.phone = ""
    citizen.birth_year = None
    citizen.sex = ""
    citizen.id_number_digest = ""
    citizen.id_number_last4 = ""
    citizen.save()
    # The versions kept of this person hold what was just erased: they go too (the one
    # saved by this erasure, anonymous, stays as its record).
    citizen.history.exclude(history_date=citizen.history.latest().history_date).delete()
    return citizen
