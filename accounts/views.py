from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from audit.models import Action
from audit.services import audit_record
from core.exports import Column, export_columns, wants_export
from core.forms import attempt
from core.pagination import paginate, query_without_page
from core.search import search_text

from . import policies, selectors, services
from .forms import UserCreateForm, UserFilters


@login_required
def user_list(request):
    policies.require(policies.can_manage_accounts, request.user)
    search = search_text(request)
    filters = UserFilters(request.GET, see_administrators=policies.is_administrator(request.user))
    role = filters.value("role")
    users = selectors.users_for_user(user=request.user, search=search, role=role)
    if wants_export(request):
        return export_columns(
            request,
            "tai-khoan",
            [
                Column(_("Username"), lambda u: u.username),
                Column(_("Full name"), lambda u: u.name),
                Column(_("E-mail"), lambda u: u.email),
                Column(_("Role"), lambda u: u.get_role_display()),
                Column(_("Works in"), lambda u: u.scope_unit.name if u.scope_unit else ""),
                Column(_("Status"), lambda u: _("active") if u.is_active else _("deactivated")),
            ],
            users.iterator(chunk_size=2000),
        )
    page = paginate(request, users)
    return render(
        request,
        "accounts/user_list.html",
        {
            "page": page,
            # The rows whose account this user may lock, unlock or reset.
            "manageable": {
                u.pk for u in page.object_list if policies.can_manage_account(request.user, u)
            },
            "page_query": query_without_page(request),
            "search": search,
            "filters": filters,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request):
    policies.require(policies.can_manage_accounts, request.user)
    units = selectors.assignable_units(user=request.user)
    initial = {}
    if request.GET.get("unit", "").isdigit():
        initial["scope_unit"] = request.GET["unit"]
    form = UserCreateForm(
        request.POST or None,
        roles=policies.creatable_roles(request.user),
        units=units,
        initial=initial,
    )
    if request.method == "POST" and (
        created := form.submit(services.user_create, actor=request.user)
    ):
        messages.success(
            request,
            _("Account “%(username)s” created for %(name)s.")
            % {"username": created.username, "name": created.name},
        )
        return redirect("accounts:user-list")
    return render(request, "accounts/user_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def user_set_active(request, pk: int):
    """GET: what locking (or unlocking) does, and a button; POST: done."""
    policies.require(policies.can_manage_accounts, request.user)
    target = selectors.get_user_for_user(user=request.user, pk=pk)
    policies.require(policies.can_manage_account, request.user, target)
    if request.method == "GET":
        return render(request, "accounts/user_set_active.html", {"target": target})
    active = request.POST.get("active") == "1"
    _done, problems = attempt(
        services.user_set_active, actor=request.user, user=target, active=active
    )
    if problems:
        messages.error(request, " ".join(problems))
    else:
        if active:
            messages.success(request, _("Account “%(u)s” reactivated.") % {"u": target.username})
        else:
            messages.success(request, _("Account “%(u)s” deactivated.") % {"u": target.username})
    return redirect("accounts:user-list")


@login_required
@require_http_methods(["GET", "POST"])
def user_password_reset(request, pk: int):
    """GET: what a reset does; POST: the one-time code, shown this once (kept nowhere)."""
    policies.require(policies.can_manage_accounts, request.user)
    target = selectors.get_user_for_user(user=request.user, pk=pk)
    policies.require(policies.can_manage_account, request.user, target)
    if request.method == "GET":
        return render(request, "accounts/user_password_reset.html", {"target": target})
    code, problems = attempt(services.user_password_reset, actor=request.user, user=target)
    if problems:
        messages.error(request, " ".join(problems))
        return redirect("accounts:user-list")
    audit_record(
        action=Action.ACCOUNT,
        request=request,
        object_type="user",
        object_id=target.pk,
        status=200,
        detail=f"password reset to a one-time code: {target.username}",
    )
    return render(request, "accounts/user_password_code.html", {"target": target, "code": code})


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
        return redirect("accounts:leader-accounts")
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
        "again": reverse("accounts:leader-accounts"),
        "pdf_name": f"tai-khoan-to-truong-{timezone.localdate():%Y%m%d}.pdf",
    }
    if made:
        from weasyprint import HTML  # a heavy import, only when a sheet is made

        pdf = HTML(string=render_to_string("accounts/leader_sheet_pdf.html", context)).write_pdf()
        context["pdf_data"] = base64.b64encode(pdf).decode()
    return render(request, "accounts/leader_sheet.html", context)
