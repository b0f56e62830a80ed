from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
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
