"""The weekly digest (only the officer's own area, plain and HTML, links, unsubscribe) and
the notifications pages."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification, Preference, Rule
from notifications.services import digest_message, digests_send, unread_recount

from .fakes import FakeChannel

pytestmark = pytest.mark.django_db


def notify(user, unit, key="k", rule=Rule.TEAM_INACTIVE, **params):
    n = Notification.objects.create(
        user=user,
        rule=rule,
        key=key,
        unit=unit,
        url=reverse("teams:team-list"),
        params={"team": params.get("team", "Tổ Trung Kiên"), "days": 21, "last": ""},
    )
    unread_recount(user_ids=[user.pk])
    return n


@pytest.fixture
def fake_channel(settings):
    settings.NOTIFICATION_CHANNELS = ["notifications.tests.fakes.FakeChannel"]
    FakeChannel.sent = []
    return FakeChannel


def test_the_digest_holds_only_the_officers_own_area(tree, officer_a, fake_channel):
    officer_a.email = "dinhhoa@example.invalid"
    officer_a.save()
    notify(officer_a, tree.hamlet_a, "in", team="Tổ Trung Kiên")
    # About a unit outside the area (the account was moved since): not in the digest.
    notify(officer_a, tree.hamlet_b, "out", team="Tổ Sơn Tập")
    assert digests_send() == 1
    ((username, message),) = fake_channel.sent
    assert username == "dinhhoa"
    assert "Tổ Trung Kiên" in message.text and "Tổ Sơn Tập" not in message.text
    assert "Tổ Trung Kiên" in message.html and "Tổ Sơn Tập" not in message.html
    assert "/notifications/unsubscribe/" in message.text
    assert Notification.objects.filter(digested_at__isnull=False).count() == 2


def test_nothing_to_say_sends_nothing(tree, officer_a, fake_channel):
    assert digests_send() == 0
    assert fake_channel.sent == []


def test_the_digest_goes_by_email_in_vietnamese_and_the_link_unsubscribes(
    tree, officer_a, client, settings
):
    settings.NOTIFICATION_CHANNELS = ["notifications.channels.EmailChannel"]
    settings.PORTAL_URL = "https://cnscd.thainguyen.gov.vn"
    officer_a.email = "dinhhoa@example.invalid"
    officer_a.save()
    notify(officer_a, tree.hamlet_a)
    assert digests_send() == 1
    (sent,) = mail.outbox
    assert sent.to == ["dinhhoa@example.invalid"]
    assert "Xin chào" in sent.body and "chưa ghi lượt thăm nào" in sent.body
    html, kind = sent.alternatives[0]
    assert kind == "text/html" and "Tổ Trung Kiên" in html
    link = next(w for w in sent.body.split() if "/notifications/unsubscribe/" in w)
    assert link.startswith("https://cnscd.thainguyen.gov.vn/")
    path = link.removeprefix("https://cnscd.thainguyen.gov.vn")
    assert client.get(path).status_code == 200  # a page that asks first
    assert Preference.objects.filter(user=officer_a, digest=False).count() == 0
    assert client.post(path).status_code == 200
    assert Preference.objects.get(user=officer_a).digest is False
    mail.outbox.clear()
    notify(officer_a, tree.hamlet_a, "again")
    assert digests_send() == 0 and mail.outbox == []


def test_a_forged_unsubscribe_link_changes_nothing(client, officer_a):
    response = client.post(reverse("notifications:unsubscribe", args=["not-a-token"]))
    assert response.status_code == 400
    assert not Preference.objects.exists()


def test_the_page_lists_opens_and_counts(tree, officer_a, officer_b, client_for):
    first = notify(officer_a, tree.hamlet_a, "one")
    notify(officer_a, tree.hamlet_a, "two")
    other = notify(officer_b, tree.hamlet_b, "theirs")
    client = client_for(officer_a)
    page = client.get(reverse("home")).content.decode()
    assert 'id="unread-notifications"' in page and ">2</span>" in page
    listing = client.get(reverse("notifications:list"))
    assert listing.status_code == 200
    assert "Tổ Trung Kiên chưa ghi lượt thăm nào." in listing.content.decode()
    assert len(listing.context["page"].object_list) == 2
    # Opening one reads it and goes where it points.
    response = client.get(reverse("notifications:open", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("teams:team-list")
    officer_a.refresh_from_db()
    assert officer_a.unread_notifications == 1
    # Another user's notification does not exist for this one.
    assert client.get(reverse("notifications:open", args=[other.pk])).status_code == 404
    client.post(reverse("notifications:read-all"))
    officer_a.refresh_from_db()
    assert officer_a.unread_notifications == 0
    assert 'id="unread-notifications"' not in client.get(reverse("home")).content.decode()


def test_the_choices_page_keeps_what_the_user_ticked(officer_a, client_for):
    client = client_for(officer_a)
    response = client.post(
        reverse("notifications:settings"), {"receive": [Rule.REPORT_DUE]}, follow=True
    )
    assert response.status_code == 200
    preference = Preference.objects.get(user=officer_a)
    assert preference.digest is False
    assert Rule.REPORT_DUE not in preference.muted and Rule.TEAM_INACTIVE in preference.muted
    form = client.get(reverse("notifications:settings")).context["form"]
    assert form.initial == {"receive": [Rule.REPORT_DUE], "digest": False}


def test_a_kind_that_does_not_exist_is_refused_and_nothing_changes(officer_a, client_for):
    client = client_for(officer_a)
    response = client.post(
        reverse("notifications:settings"), {"receive": ["nope", Rule.REPORT_DUE], "digest": "on"}
    )
    assert response.status_code == 200
    assert "receive" in response.context["form"].errors
    assert response.context["form"]["digest"].value() is True  # what was ticked stays ticked
    assert not Preference.objects.filter(user=officer_a).exists()


def test_the_list_costs_the_same_queries_for_more_notifications(
    tree, officer_a, client_for, django_assert_max_num_queries
):
    client = client_for(officer_a)
    notify(officer_a, tree.hamlet_a, "first")
    client.get(reverse("notifications:list"))
    with django_assert_max_num_queries(6) as few:
        client.get(reverse("notifications:list"))
    for n in range(30):
        notify(officer_a, tree.hamlet_a, f"more-{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(reverse("notifications:list")).context["page"]) == 31


def test_the_evaluation_and_digest_are_periodic_tasks(settings):
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"notifications.evaluate", "notifications.weekly_digest"} <= schedule


def test_the_help_page_puts_the_roles_own_work_first(client_for, leader_a, officer_a):
    leader_page = client_for(leader_a).get(reverse("help"))
    assert leader_page.context["sections"][0] == "visit"
    officer_page = client_for(officer_a).get(reverse("help"))
    assert officer_page.context["sections"][0] == "roster"
    assert "help-report" in officer_page.content.decode()


def test_a_digest_for_a_week_with_nothing_new_but_unread_items_still_reminds(tree, officer_a):
    n = notify(officer_a, tree.hamlet_a)
    Notification.objects.filter(pk=n.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=20)
    )
    since = timezone.now() - datetime.timedelta(days=7)
    assert digest_message(user=officer_a, since=since, base_url="http://x") is not None
    Notification.objects.filter(pk=n.pk).update(read_at=timezone.now())
    assert digest_message(user=officer_a, since=since, base_url="http://x") is None
