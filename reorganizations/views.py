from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import policies
from accounts.services import user_set_scope
from audit.models import Action
from audit.services import audit_record
from core import outbox
from core.forms import attempt
from dashboards.tasks import rollup

from . import selectors, services
from .forms import ReorganizationForm
from .models import Reorganization


@login_required
@require_http_methods(["GET", "POST"])
def reorganization_list(request):
    policies.require(policies.can_reorganize, request.user)
    form = ReorganizationForm(request.POST or None, request.FILES or None)

    def create(*, name, effective_on, units_file, mapping_file):
        return services.reorganization_create(
            name=name,
            units_data=units_file.read(),
            mapping_data=mapping_file.read(),
            effective_on=effective_on,
            user=request.user,
        )

    if request.method == "POST" and (created := form.submit(create)):
        reorganization, _plan = created
        messages.success(request, _("Checked: review what will change, then apply."))
        return redirect("reorganizations:detail", pk=reorganization.pk)
    return render(
        request,
        "reorganizations/list.html",
        {"form": form, "reorganizations": selectors.reorganizations_for_user(user=request.user)},
    )


def _work_list(reorganization: Reorganization, plan) -> list[dict]:
    names = {u.code: u.name for u in plan.new_units}
    items = reorganization.assignments.select_related("hamlet__parent").order_by(
        "hamlet__parent__search_key", "hamlet__search_key"
    )
    return [
        {
            "item": item,
            "choices": [(code, names.get(code, code)) for code in item.choices],
            "chosen": names.get(item.new_commune_code, ""),
        }
        for item in items
    ]


@login_required
def reorganization_detail(request, pk: int):
    policies.require(policies.can_reorganize, request.user)
    reorganization = selectors.get_reorganization(user=request.user, pk=pk)
    plan = (
        None
        if reorganization.is_applied
        else services.reorganization_plan(reorganization=reorganization)
    )
    if plan is not None and not plan.errors:
        services.sync_work_list(reorganization, plan)
    work = _work_list(reorganization, plan) if plan is not None else []
    province = reorganization.province
    return render(
        request,
        "reorganizations/detail.html",
        {
            "reorganization": reorganization,
            "plan": plan,
            "counts": plan.counts() if plan is not None else reorganization.result,
            "work": work,
            "unassigned": sum(1 for w in work if not w["item"].new_commune_code),
            "province": province,
            "day_before": reorganization.effective_on - datetime.timedelta(days=1),
        },
    )


@login_required
@require_POST
def reorganization_assign(request, pk: int):
    policies.require(policies.can_reorganize, request.user)
    reorganization = selectors.get_reorganization(user=request.user, pk=pk)
    done, errors = 0, []
    for item in reorganization.assignments.select_related("hamlet"):
        code = request.POST.get(f"hamlet-{item.hamlet_id}")
        if code is None or code == item.new_commune_code:
            continue
        assigned, problems = attempt(
            services.hamlet_assign,
            reorganization=reorganization,
            hamlet_id=item.hamlet_id,
            new_commune_code=code,
            user=request.user,
        )
        done += 1 if assigned else 0
        errors += [f"{item.hamlet.name}: {' '.join(problems)}"] if problems else []
    for error in errors:
        messages.error(request, error)
    if done:
        messages.success(request, _("%(count)d hamlet(s) assigned.") % {"count": done})
    return redirect("reorganizations:detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def reorganization_apply(request, pk: int):
    """A confirmation page, then the change in one transaction; the figures follow."""
    policies.require(policies.can_reorganize, request.user)
    reorganization = selectors.get_reorganization(user=request.user, pk=pk)
    if request.method == "POST":
        _applied, problems = attempt(
            services.reorganization_apply, reorganization=reorganization, user=request.user
        )
        for message in problems:
            messages.error(request, message)
        if problems:
            return redirect("reorganizations:detail", pk=pk)
        transaction.on_commit(lambda: outbox.send(rollup))
        messages.success(
            request,
            _("The new structure is in force from %(date)s; the figures are being recomputed.")
            % {"date": reorganization.effective_on.strftime("%d/%m/%Y")},
        )
        return redirect("reorganizations:detail", pk=pk)
    if reorganization.is_applied:
        return redirect("reorganizations:detail", pk=pk)
    plan = services.reorganization_plan(reorganization=reorganization)
    return render(
        request,
        "reorganizations/apply.html",
        {"reorganization": reorganization, "counts": plan.counts(), "plan": plan},
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_scopes(request):
    """Accounts whose unit a reorganization closed, with a suggested new unit to confirm."""
    policies.require(policies.can_reorganize, request.user)
    if request.method == "POST":
        # Only an account of the list, and only one of the units offered for it.
        suggestion = next(
            (
                s
                for s in selectors.scope_suggestions(user=request.user)
                if str(s.user.pk) == request.POST.get("user", "")
            ),
            None,
        )
        user, unit = (suggestion.user if suggestion else None), None
        if suggestion is not None:
            wanted = request.POST.get("unit", "")
            unit = next((u for u, _n in suggestion.candidates if str(u.pk) == wanted), None)
        if user is None or unit is None:
            messages.error(request, _("Choose an account of the list and one of its units."))
            return redirect("reorganizations:accounts")
        _done, problems = attempt(user_set_scope, actor=request.user, user=user, scope_unit=unit)
        if problems:
            messages.error(request, " ".join(problems))
        else:
            audit_record(
                action=Action.ACCOUNT,
                request=request,
                object_type="user",
                object_id=user.pk,
                detail=f"scope → {unit.code} {unit.name}",
            )
            messages.success(
                request,
                _("%(user)s now works in %(unit)s.") % {"user": user, "unit": unit.name},
            )
        return redirect("reorganizations:accounts")
    return render(
        request,
        "reorganizations/accounts.html",
        {"suggestions": selectors.scope_suggestions(user=request.user)},
    )
