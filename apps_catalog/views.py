from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts import policies
from core.forms import ServiceForm

from . import services
from .models import App, Outcome


class AppForm(ServiceForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    outcomes = forms.CharField(
        label=gettext_lazy("Outcomes, one per line"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("What a team can achieve with a citizen: Đã cài đặt, Đã kích hoạt…"),
    )

    def clean_outcomes(self) -> list[str]:
        return self.cleaned_data["outcomes"].splitlines()


@login_required
def app_list(request):
    apps = App.objects.prefetch_related(
        Prefetch("outcomes", queryset=Outcome.objects.order_by("position"))
    )
    return render(
        request,
        "apps_catalog/app_list.html",
        {"apps": apps, "can_manage": policies.can_manage_apps(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def app_create(request):
    policies.require(policies.can_manage_apps, request.user)
    form = AppForm(request.POST or None)
    if request.method == "POST" and (app := form.submit(services.app_create)):
        messages.success(request, _("“%(name)s” added to the catalogue.") % {"name": app.name})
        return redirect("apps_catalog:app-list")
    return render(request, "apps_catalog/app_form.html", {"form": form})


@login_required
@require_POST
def app_set_active(request, pk: int):
    if not policies.can_manage_apps(request.user):
        raise PermissionDenied
    app = get_object_or_404(App, pk=pk)
    services.app_set_active(app=app, active=request.POST.get("active") == "1")
    return redirect("apps_catalog:app-list")
