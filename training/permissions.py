"""Who may run courses. Shared by the views and the attendance importer (no import cycle)."""

from __future__ import annotations

from accounts.models import Role


def can_manage_training(user) -> bool:
    """Province and area officers (and admins) run courses in their scope."""
    return user.is_superuser or user.role in (Role.PROVINCE_OFFICER, Role.AREA_OFFICER)
