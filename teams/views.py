from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts import policies
from areas import selectors as area_selectors
from areas.models import AdministrativeUnit, Level
from audit.models import Action
from audit.services import audit_record
from core.exports import Column, export_columns, wants_export
from core.forms import attempt
from core.pagination import paginate, query_without_page
from core.search import search_text
from core.text import fold

from . import printing, selectors, services
from .forms import DateForm, MemberFilters, MemberForm, TeamCreateForm, TeamFilters, TeamForm
from .models import TeamStatus

# --- Teams -----------------------------------------------------------------------------------


@login_required
def team_list(request):
    unit = area_selectors.unit_filter_for_user(user=request.user, value=request.GET.get("unit"))
    filters = TeamFilters(
        request.GET, communes=area_selectors.communes_for_user(user=request.user), current_unit=unit
    )
    status = filters.value("status")
    search = search_text(request)
    sort = request.GET.get("sort", "commune")
    teams = selectors.teams_for_user(
        user=request.user, unit=unit, status=status, search=search, sort=sort
    )
    if wants_export(request):
        return export_columns(
            request,
            "to-cong-nghe-so",
            [
                Column(_("Commune"), lambda t: t.hamlet.parent.name),
                Column(_("Hamlet"), lambda t: t.hamlet.name),
                Column(_("Team"), lambda t: t.name),
                Column(_("Decision number"), lambda t: t.decision_number),
                Column(_("Decision date"), lambda t: t.decision_date),
                Column(_("Status"), lambda t: t.get_status_display()),
                Column(_("Current members"), lambda t: t.member_count),
            ],
            teams.iterator(chunk_size=2000),
        )
    return render(
        request,
        "teams/team_list.html",
        {
            "page": paginate(request, teams),
            "page_query": query_without_page(request),
            "counts": selectors.team_counts(teams=teams),
            "filters": filters,
            "unit": unit,
            "search": search,
            "sort": sort,
            "can_manage": policies.can_manage_registry(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_create(request):
    policies.require(policies.can_manage_registry, request.user)
    hamlets = area_selectors.hamlets_for_user(user=request.user).exclude(
        teams__status=TeamStatus.ACTIVE
    )
    initial = {"hamlet": request.GET.get("hamlet")} if request.GET.get("hamlet") else {}
    form = TeamCreateForm(request.POST or None, hamlets=hamlets, initial=initial)
    if request.method == "POST" and (team := form.submit(services.team_create)):
        messages.success(request, _("Team “%(name)s” founded.") % {"name": team.name})
        return redirect("teams:team-detail", pk=team.pk)
    return render(request, "teams/team_form.html", {"form": form})


@login_required
def team_detail(request, pk: int):
    team = selectors.get_team_for_user(user=request.user, pk=pk)
    current, former = selectors.team_roster(team=team)
    if wants_export(request):
        return export_columns(
            request,
            f"thanh-vien-{team.hamlet.code}",
            [
                Column(_("Full name"), lambda m: m.name),
                Column(_("Phone"), lambda m: m.phone, phone=True),
                Column(_("Role in the team"), lambda m: m.get_role_display()),
                Column(_("Affiliation"), lambda m: m.get_affiliation_display()),
                Column(_("Joined on"), lambda m: m.joined_on),
                Column(_("Left on"), lambda m: m.left_on),
            ],
            current + former,
        )
    return render(
        request,
        "teams/team_detail.html",
        {
            "team": team,
            "current": current,
            "former": former,
            "roles": selectors.role_history(team=team),
            "changes": selectors.team_changes(team=team),
            "breadcrumbs": area_selectors.unit_breadcrumbs(unit=team.hamlet, user=request.user)
            + [team.hamlet],
            "can_manage": policies.can_manage_registry(request.user) and team.is_active,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request, pk: int):
    policies.require(policies.can_manage_registry, request.user)
    team = selectors.get_team_for_user(user=request.user, pk=pk)
    form = TeamForm(
        request.POST or None,
        initial=model_to_dict(team, fields=TeamForm.base_fields),
        opened=team.updated_at,
    )
    if request.method == "POST" and form.submit(services.team_update, team=team):
        messages.success(request, _("Team saved."))
        return redirect("teams:team-detail", pk=team.pk)
    return render(request, "teams/team_form.html", {"form": form, "team": team})


@login_required
@require_http_methods(["GET", "POST"])
def team_dissolve(request, pk: int):
    policies.require(policies.can_manage_registry, request.user)
    team = selectors.get_team_for_user(user=request.user, pk=pk)
    form = DateForm(request.POST or None)
    dissolve = lambda on: services.team_dissolve(team=team, dissolved_on=on)  # noqa: E731
    if request.method == "POST" and form.submit(dissolve):
        messages.success(request, _("Team “%(name)s” dissolved.") % {"name": team.name})
        return redirect("teams:team-detail", pk=team.pk)
    return render(
        request,
        "teams/confirm.html",
        {
            "form": form,
            "team": team,
            "title": _("Dissolve %(name)s?") % {"name": team.name},
            "warning": _(
                "Its current members will be recorded as having left on that date. The team, "
                "its members and its visits stay in the history; the hamlet can then found "
                "a new team."
            ),
            "confirm": _("Yes, dissolve the team"),
        },
    )


# --- Printed papers (teams.printing) -----------------------------------------------------------


@login_required
@require_safe
def team_roster_pdf(request, pk: int):
    """The current members as the commune signs the list; whoever sees the team's members may
    print it. Names leave the portal on paper, so the export is audited."""
    team = selectors.get_team_for_user(user=request.user, pk=pk)
    current = selectors.team_roster(team=team)[0]
    pdf = printing.roster_pdf(team=team, members=current, today=timezone.localdate())
    audit_record(
        action=Action.EXPORT,
        request=request,
        object_type="team",
        object_id=team.pk,
        status=200,
        detail=f"roster PDF, {len(current)} members",
    )
    return printing.pdf_response(pdf, filename=f"danh-sach-thanh-vien-{team.hamlet.code}.pdf")


@login_required
@require_safe
def team_poster_pdf(request, pk: int):
    """The poster for the hamlet's cultural house: only what the public directory shows, and
    a QR code to the directory's page for the hamlet. A dissolved team has none (the directory
    no longer lists it)."""
    team = selectors.get_team_for_user(user=request.user, pk=pk)
    if not team.is_active:
        raise Http404
    # The directory folds what is searched: the folded name finds the hamlet and keeps the
    # URL (and so the QR code) short and plain ASCII.
    query = urlencode({"commune": team.hamlet.parent_id or "", "q": fold(team.hamlet.name)})
    directory_home = request.build_absolute_uri(reverse("directory"))
    pdf = printing.poster_pdf(
        team=team,
        members=selectors.team_roster(team=team)[0],
        directory_url=f"{directory_home}?{query}",
        directory_home=directory_home,
    )
    return printing.pdf_response(pdf, filename=f"to-cong-nghe-so-{team.hamlet.code}.pdf")


# --- Members ---------------------------------------------------------------------------------


@login_required
def member_list(request):
    unit = area_selectors.unit_filter_for_user(user=request.user, value=request.GET.get("unit"))
    filters = MemberFilters(
        request.GET, communes=area_selectors.communes_for_user(user=request.user), current_unit=unit
    )
    role, affiliation = filters.value("role"), filters.value("affiliation")
    state = filters.value("state")
    search = search_text(request)
    sort = request.GET.get("sort", "team")
    members = selectors.members_for_user(
        user=request.user,
        unit=unit,
        role=role,
        affiliation=affiliation,
        state=state,
        search=search,
        sort=sort,
    )
    if wants_export(request):
        return export_columns(
            request,
            "thanh-vien-to-cong-nghe-so",
            [
                Column(_("Commune"), lambda m: m.team.hamlet.parent.name),
                Column(_("Hamlet"), lambda m: m.team.hamlet.name),
                Column(_("Full name"), lambda m: m.name),
                Column(_("Phone"), lambda m: m.phone, phone=True),
                Column(_("Role in the team"), lambda m: m.get_role_display()),
                Column(_("Affiliation"), lambda m: m.get_affiliation_display()),
                Column(_("Joined on"), lambda m: m.joined_on),
                Column(_("Left on"), lambda m: m.left_on),
            ],
            members.iterator(chunk_size=2000),
        )
    return render(
        request,
        "teams/member_list.html",
        {
            "page": paginate(request, members),
            "page_query": query_without_page(request),
            "filters": filters,
            "search": search,
            "sort": sort,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request, pk: int):
    policies.require(policies.can_manage_registry, request.user)
    team = selectors.get_team_for_user(user=request.user, pk=pk)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and (member := form.submit(services.member_add, team=team)):
        messages.success(request, _("%(name)s added to the team.") % {"name": member.name})
        return redirect("teams:team-detail", pk=team.pk)
    return render(request, "teams/member_form.html", {"form": form, "team": team})


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk: int):
    policies.require(policies.can_manage_registry, request.user)
    member = selectors.get_member_for_user(user=request.user, pk=pk)
    form = MemberForm(
        request.POST or None,
        initial=model_to_dict(member, fields=MemberForm.base_fields),
        opened=member.updated_at,
    )
    if request.method == "POST" and form.submit(services.member_update, member=member):
        messages.success(request, _("Member saved."))
        return redirect("teams:team-detail", pk=member.team_id)
    return render(
        request, "teams/member_form.html", {"form": form, "team": member.team, "member": member}
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_retire(request, pk: int):
    policies.require(policies.can_manage_registry, request.user)
    member = selectors.get_member_for_user(user=request.user, pk=pk)
    form = DateForm(request.POST or None)
    retire = lambda on: services.member_retire(member=member, left_on=on)  # noqa: E731
    if request.method == "POST" and form.submit(retire):
        messages.success(request, _("%(name)s has left the team.") % {"name": member.name})
        return redirect("teams:team-detail", pk=member.team_id)
    return render(
        request,
        "teams/confirm.html",
        {
            "form": form,
            "team": member.team,
            "title": _("%(name)s leaves the team?") % {"name": member.name},
            "warning": _(
                "The member stays in the team's history with the dates they served; "
                "their past visits remain recorded."
            ),
            "confirm": _("Yes, record the departure"),
        },
    )


# --- Public directory (no login) --------------------------------------------------------------


def directory(request):
    """Citizens find their hamlet's team: by commune, or by searching a hamlet's name."""

    communes = (
        AdministrativeUnit.objects.current().filter(level=Level.COMMUNE).order_by("search_key")
    )
    commune = None
    if request.GET.get("commune", "").isdigit():
        commune = communes.filter(pk=int(request.GET["commune"])).first()
    search = search_text(request)
    page = None
    if commune is not None or search:
        page = paginate(
            request, selectors.directory_hamlets(search=search, commune=commune), per_page=20
        )
    return render(
        request,
        "teams/directory.html",
        {
            "communes": communes.select_related("parent"),
            "commune": commune,
            "search": search,
            "page": page,
            "page_query": query_without_page(request),
        },
    )


# Teams given accounts per run: one sheet to print (and one PDF to build) stays small.
LEADER_ACCOUNTS_PER_RUN = 200


@login_required
@require_http_methods(["GET", "POST"])
def leader_accounts(request):
    """GET: the teams whose current leader has no account; POST: create them and show the
    sheet of usernames and one-time codes, this once (the codes are kept nowhere)."""
    policies.require(policies.can_create_leader_accounts, request.user)
    pending = selectors.teams_without_leader_account(user=request.user)
    if request.method == "GET":
        teams = list(pending[:LEADER_ACCOUNTS_PER_RUN])
        count = len(teams) if len(teams) < LEADER_ACCOUNTS_PER_RUN else pending.count()
        return render(request, "accounts/leader_accounts.html", {"teams": teams, "count": count})
    made, problems = attempt(
        services.leader_accounts_create,
        actor=request.user,
        teams=list(pending[:LEADER_ACCOUNTS_PER_RUN]),
    )
    if problems:
        messages.error(request, " ".join(problems))
        return redirect("teams:leader-accounts")
    assert isinstance(made, list)
    if made:
        audit_record(
            action=Action.ACCOUNT,
            request=request,
            object_type="user",
            status=200,
            detail=f"{len(made)} team-leader accounts: "
            + ", ".join(line.user.username for line in made),
        )
    context = {
        "made": made,
        "today": timezone.localdate(),
        "issued_by": request.user.scope_unit.name if request.user.scope_unit else "",
        "remaining": pending.count(),
        "again": reverse("teams:leader-accounts"),
        "pdf_name": f"tai-khoan-to-truong-{timezone.localdate():%Y%m%d}.pdf",
    }
    if made:
        from weasyprint import HTML  # a heavy import, only when a sheet is made

        pdf = HTML(string=render_to_string("accounts/leader_sheet_pdf.html", context)).write_pdf()
        context["pdf_data"] = base64.b64encode(pdf).decode()
    return render(request, "accounts/leader_sheet.html", context)
