"""Writes: evaluating the rules into notifications, reading them, preferences, the digest."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User

from .channels import Message, deliver
from .models import Notification, Preference, Rule
from .rules import RULES, Officers

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def muted_rules() -> dict[int, set[str]]:
    return {p.user_id: set(p.muted) for p in Preference.objects.exclude(muted=[])}


def unread_recount(*, user_ids) -> None:
    """Keep each account's unread count (read by every page with the user, no query)."""
    unread = (
        Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    User.objects.filter(pk__in=list(user_ids)).update(
        unread_notifications=Coalesce(Subquery(unread), 0)
    )


def notifications_evaluate(*, today: datetime.date | None = None, rules=None) -> int:
    """Run the rules (all, or those named) and store what is new; returns how many were
    created. Muted kinds are not stored for those who muted them."""
    today = today or timezone.localdate()
    officers = Officers()
    muted = muted_rules()
    created = 0
    touched: set[int] = set()
    with translation.override(settings.LANGUAGE_CODE):
        for code, rule in RULES.items():
            if rules is not None and code not in rules:
                continue
            findings = {
                (f.user_id, f.key): f
                for f in rule(today, officers)
                if code not in muted.get(f.user_id, set())
            }
            if not findings:
                continue
            known = set(
                Notification.objects.filter(
                    rule=code,
                    user_id__in={u for u, _k in findings},
                    key__in={k for _u, k in findings},
                ).values_list("user_id", "key")
            )
            new = [f for pair, f in findings.items() if pair not in known]
            Notification.objects.bulk_create(
                [
                    Notification(
                        user_id=f.user_id,
                        rule=f.rule,
                        key=f.key,
                        unit_id=f.unit_id,
                        url=f.url,
                        params=f.params,
                    )
                    for f in new
                ],
                ignore_conflicts=True,  # a second evaluation running at the same time
            )
            created += len(new)
            touched |= {f.user_id for f in new}
    if touched:
        unread_recount(user_ids=touched)
    return created


def notification_read(*, user, notification: Notification) -> None:
    if notification.user_id != user.pk or notification.read_at is not None:
        return
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    unread_recount(user_ids=[user.pk])


def notifications_read_all(*, user) -> int:
    n = Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
    unread_recount(user_ids=[user.pk])
    return n


def preference_of(user) -> Preference:
    return Preference.objects.filter(user=user).first() or Preference(user=user)


def preference_set(*, user, receive: set[str], digest: bool) -> Preference:
    """What the user receives: the kinds ticked in ``receive``, and the weekly digest."""
    preference = preference_of(user)
    preference.muted = sorted(set(Rule.values) - set(receive))
    preference.digest = digest
    preference.save()
    return preference


def unsubscribe_token(user) -> str:
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT)


def unsubscribe(*, token: str) -> User | None:
    """Turn the weekly digest off for the account the link was made for (no sign-in: the
    link in the e-mail is the proof). None when the link is not one of ours."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=90 * 24 * 3600)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None:
        return None
    preference = preference_of(user)
    preference.digest = False
    preference.save()
    return user


def digest_items(*, user, since: datetime.datetime) -> dict[str, list[Notification]]:
    """The user's notifications of the week about their own area, by kind (unread first)."""
    rows = (
        Notification.objects.for_user(user)
        .filter(Q(created_at__gte=since) | Q(read_at__isnull=True))
        .exclude(rule__in=preference_of(user).muted)
        .select_related("unit")
        .order_by("read_at", "-created_at")[:500]
    )
    grouped: dict[str, list[Notification]] = defaultdict(list)
    for row in rows:
        grouped[row.rule].append(row)
    return {rule: grouped[rule] for rule in Rule.values if grouped.get(rule)}


def digest_message(*, user, since: datetime.datetime, base_url: str) -> Message | None:
    items = digest_items(user=user, since=since)
    if not items:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "groups": [(Rule(rule).label, rows) for rule, rows in items.items()],
            "total": sum(len(rows) for rows in items.values()),
            "base_url": base_url.rstrip("/"),
            "list_url": base_url.rstrip("/") + reverse("notifications:list"),
            "settings_url": base_url.rstrip("/") + reverse("notifications:settings"),
            "unsubscribe_url": base_url.rstrip("/")
            + reverse("notifications:unsubscribe", args=[unsubscribe_token(user)]),
        }
        return Message(
            subject=_("Your week on the community digital teams portal: %(n)d to look at")
            % {"n": context["total"]},
            text=render_to_string("notifications/digest.txt", context),
            html=render_to_string("notifications/digest.html", context),
        )


def digests_send(*, now: datetime.datetime | None = None) -> int:
    """The weekly digest: to each active officer who keeps it on and has something in their
    area this week. Returns how many were sent."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=7)
    off = set(Preference.objects.filter(digest=False).values_list("user_id", flat=True))
    users = (
        User.objects.filter(is_active=True, notifications__isnull=False)
        .exclude(pk__in=off)
        .select_related("scope_unit")
        .distinct()
        .order_by("pk")
    )
    sent = 0
    for user in users:
        message = digest_message(user=user, since=since, base_url=settings.PORTAL_URL)
        if message is None:
            continue
        if deliver(user=user, message=message):
            with transaction.atomic():
                Notification.objects.filter(user=user, digested_at__isnull=True).update(
                    digested_at=now
                )
            sent += 1
    return sent
