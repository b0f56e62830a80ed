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


def unit_dashboard(*, unit: AdministrativeUnit) -> dict:
    """What a unit's dashboard shows, read only from the roll-up tables (four queries)."""
    from .models import RollupState, UnitAppFigures, UnitFigures

    own = UnitFigures.objects.filter(unit=unit).first()
    children = list(
        UnitFigures.objects.filter(unit__parent=unit, unit__valid_to__isnull=True)
        .select_related("unit")
        .order_by("-households_reached", "-teams_active", "unit__search_key")
    )
    apps = list(
        UnitAppFigures.objects.filter(unit=unit)
        .select_related("app", "outcome")
        .order_by("app__position", "outcome__position")
    )
    state = RollupState.objects.filter(key="figures").first()
    return {
        "figures": own,
        "children": children,
        "apps": apps,
        "computed_at": state.computed_at if state else None,
        "reach": _share(own.households_reached, own.households) if own else None,
        "top_children": max((c.households_reached for c in children), default=0),
    }


def _share(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None
