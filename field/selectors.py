"""Reads for the field page: the hamlet a user works in, and everything the phone needs to
record visits there offline, in a constant number of queries."""

from __future__ import annotations

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.policies import can_record_visits, works_in_the_field
from apps_catalog.models import App, Outcome
from areas.models import AdministrativeUnit, Level
from citizens.models import Assistance, Citizen, Household, Visit
from citizens.selectors import app_progress
from teams.models import MemberRole, TeamMember, TeamStatus

# Leader, deputy, then members: the order a team lists itself in.
ROLE_ORDER = Case(
    When(role=MemberRole.LEADER, then=0), When(role=MemberRole.DEPUTY, then=1), default=2
)


def get_field_hamlet_for_user(*, user, hamlet_id: int | None) -> AdministrativeUnit:
    """Fetch and authorise the hamlet of the field page (404 otherwise).

    A team leader works in their own hamlet (their scope); area officers and admins name a
    current hamlet inside their scope with ``?hamlet=<id>``.
    """
    if not can_record_visits(user):
        raise Http404
    if hamlet_id is None:
        if not works_in_the_field(user):
            raise Http404
        hamlet_id = user.scope_unit_id
    hamlets = (
        AdministrativeUnit.objects.for_user(user)
        .current()
        .filter(level=Level.HAMLET)
        .select_related("parent")
    )
    return get_object_or_404(hamlets, pk=hamlet_id)


def _hamlet_households(*, user, hamlet: AdministrativeUnit):
    return Household.objects.for_user(user).filter(hamlet=hamlet)


def field_households(*, user, hamlet: AdministrativeUnit):
    """The hamlet's households with their citizens, whether and when a counted visit met
    them, what their latest counted visit found (``last_kind``: a household where nobody was
    at home is still to visit) and how many distinct apps their citizens were helped with
    (two queries: households, citizens)."""
    counted = Visit.objects.counted().filter(household=OuterRef("pk"))
    met = Visit.objects.met().filter(household=OuterRef("pk"))
    apps_helped = (
        Assistance.objects.filter(citizen__household=OuterRef("pk"))
        .values("citizen__household")
        .annotate(n=Count("app", distinct=True))
        .values("n")
    )
    citizens = (
        Citizen.objects.filter(merged_into__isnull=True)
        .only("id", "household_id", "full_name", "birth_year")
        .order_by("birth_year", "search_key", "pk")
    )
    return (
        _hamlet_households(user=user, hamlet=hamlet)
        .only("id", "head_name", "address", "search_key", "consent_on")
        .annotate(
            visited=Exists(met),
            last_visited_on=Subquery(met.order_by("-visited_on", "-pk").values("visited_on")[:1]),
            last_kind=Subquery(counted.order_by("-visited_on", "-pk").values("kind")[:1]),
            apps_helped=Coalesce(Subquery(apps_helped, output_field=IntegerField()), 0),
        )
        .prefetch_related(Prefetch("citizens", queryset=citizens))
        .order_by("search_key", "pk")
    )


def field_data(*, user, hamlet: AdministrativeUnit) -> dict:
    """What the phone keeps to work offline: the hamlet, its team's current members, the apps
    with their outcomes, the households, and what each citizen already has per app (seven
    queries whatever the hamlet's size)."""
    members = list(
        TeamMember.objects.current()
        .filter(team__hamlet=hamlet, team__status=TeamStatus.ACTIVE)
        .select_related("team")
        .order_by(ROLE_ORDER, "search_key", "pk")
    )
    apps = list(
        App.objects.active().prefetch_related(
            Prefetch("outcomes", queryset=Outcome.objects.order_by("position", "pk"))
        )
    )
    households = field_households(user=user, hamlet=hamlet)
    # Per citizen, per active app, the latest outcome's name; an app missing is left to do.
    slugs = {app.pk: app.slug for app in apps}
    citizen_ids = Citizen.objects.filter(
        household__in=_hamlet_households(user=user, hamlet=hamlet)
    ).values("pk")
    progress = app_progress(citizen_ids=citizen_ids)

    def done(citizen_id: int) -> dict[str, str]:
        apps_done = progress.get(citizen_id, {})
        return {slugs[app]: name for app, name in apps_done.items() if app in slugs}

    return {
        "user": {"id": user.pk, "name": str(user)},
        "hamlet": {
            "id": hamlet.pk,
            "name": hamlet.name,
            "commune": hamlet.parent.name if hamlet.parent else "",
        },
        "team": {"id": members[0].team_id, "name": members[0].team.name} if members else None,
        "me": next((m.pk for m in members if m.user_id == user.pk), None),
        "members": [{"id": m.pk, "name": m.name, "role": m.get_role_display()} for m in members],
        "apps": [
            {
                "slug": app.slug,
                "name": app.name,
                "outcomes": [{"code": o.code, "name": o.name} for o in app.outcomes.all()],
            }
            for app in apps
        ],
        "households": [
            {
                "id": h.pk,
                "head_name": h.head_name,
                "address": h.address,
                "key": h.search_key,
                "consent": h.consent_on is not None,
                "citizens": [
                    {
                        "id": c.pk,
                        "full_name": c.full_name,
                        "birth_year": c.birth_year,
                        "apps": done(c.pk),
                    }
                    for c in h.citizens.all()
                ],
                "visited": h.visited,
                "last_kind": h.last_kind,
                "last_visited_on": h.last_visited_on.isoformat() if h.last_visited_on else None,
                "apps_helped": h.apps_helped,
            }
            for h in households
        ],
    }
