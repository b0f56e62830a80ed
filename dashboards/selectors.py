"""The figures of a user's area for the home page (live counts; roll-ups come later)."""

from __future__ import annotations

from django.db.models import Count, Q

from areas.models import AdministrativeUnit
from citizens.models import Citizen, Household
from teams.models import Team, TeamMember


def scope_figures(*, unit: AdministrativeUnit) -> dict[str, int]:
    """Teams, members, households and citizens inside ``unit``: three aggregate queries."""
    teams = Team.objects.within(unit).aggregate(
        teams=Count("pk", filter=Q(status="active")),
    )
    members = TeamMember.objects.within(unit).current().filter(team__status="active").count()
    households = Household.objects.within(unit).aggregate(
        households=Count("pk"), smartphones=Count("pk", filter=Q(smartphone_count__gt=0))
    )
    return {
        **teams,
        "members": members,
        **households,
        "citizens": Citizen.objects.within(unit).count(),
    }
