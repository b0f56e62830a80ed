"""Who may do what: one predicate per question, one condition per line.

Views use them directly or through the menu, the API through permission classes built on
them, services before they write. (The older ``User.can_*`` properties answer the questions
not yet moved here.)
"""

from __future__ import annotations

from .models import Role


def can_record_visits(user) -> bool:
    """Team leaders at the door, and area officers recording for them."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.role in (Role.TEAM_LEADER, Role.AREA_OFFICER)


def works_in_the_field(user) -> bool:
    """Whose main task is visiting households: they land on the field app after signing in."""
    return user.is_authenticated and user.role == Role.TEAM_LEADER


def can_read_reports(user) -> bool:
    """Monthly reports are asked for and filed by officers and the province."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.role in (Role.AREA_OFFICER, Role.PROVINCE_OFFICER)


def can_manage_accounts(user) -> bool:
    return bool(user.is_authenticated and user.creatable_roles)
