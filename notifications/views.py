"""The notifications page, what a user chooses to receive, and the e-mail's unsubscribe."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.pagination import paginate

from . import services
from .forms import PreferenceForm
from .models import Notification, Rule


@login_required
def notification_list(request):
    rows = Notification.objects.for_user(request.user).select_related("unit")
    show = request.GET.get("show", "")
    if show == "unread":
        rows = rows.unread()
    rule = request.GET.get("rule", "")
    if rule in Rule.values:
        rows = rows.filter(rule=rule)
    else:
        rule = ""
    return render(
        request,
        "notifications/list.html",
        {
            "page": paginate(request, rows, per_page=50),
            "show": show,
            "rule": rule,
            "rules": Rule.choices,
            "unread": request.user.unread_notifications,
        },
    )


@login_required
def notification_open(request, pk: int):
    """Follow a notification: it is read, and the user lands on what it is about."""
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    services.notification_read(user=request.user, notification=notification)
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.url)
    return redirect("notifications:list")


@login_required
@require_POST
def notifications_read_all(request):
    n = services.notifications_read_all(user=request.user)
    messages.success(request, _("%(n)d notification(s) marked as read.") % {"n": n})
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notification_settings(request):
    preference = services.preference_of(request.user)
    initial = {
        "receive": [r for r in Rule.values if r not in preference.muted],
        "digest": preference.digest,
    }
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.preference_set(
            user=request.user,
            receive=set(form.cleaned_data["receive"]),
            digest=form.cleaned_data["digest"],
        )
        messages.success(request, _("Your choices are saved."))
        return redirect("notifications:settings")
    return render(
        request,
        "notifications/settings.html",
        {"form": form, "has_email": bool(request.user.email)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    """The link in the digest: a page that asks, then a POST that turns the digest off (a
    mail scanner that opens links changes nothing)."""
    if request.method == "POST":
        user = services.unsubscribe(token=token)
        return render(
            request,
            "notifications/unsubscribe.html",
            {"done": user is not None, "invalid": user is None},
            status=200 if user is not None else 400,
        )
    return render(request, "notifications/unsubscribe.html", {"token": token})
