"""Accounts at scale (issue 16 §4): locking asks first, officers reset a password to a
one-time code, team leaders' accounts are made in bulk from the roster, and the accounts of
members who left are locked by a daily job."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts.models import User

pytestmark = pytest.mark.django_db


# --- Locking asks first --------------------------------------------------------------------


def test_opening_the_lock_page_names_the_account_and_changes_nothing(
    client_for, officer_a, leader_a
):
    Token.objects.create(user=leader_a)
    response = client_for(officer_a).get(reverse("accounts:user-set-active", args=[leader_a.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "trungkien" in text and "Lưu Văn Bình" in text
    leader_a.refresh_from_db()
    assert leader_a.is_active and Token.objects.filter(user=leader_a).exists()


def test_confirming_locks_the_account_and_ends_its_tokens(client_for, officer_a, leader_a):
    Token.objects.create(user=leader_a)
    url = reverse("accounts:user-set-active", args=[leader_a.pk])
    response = client_for(officer_a).post(url, {"active": "0"})
    assert response.status_code == 302
    leader_a.refresh_from_db()
    assert not leader_a.is_active and not Token.objects.filter(user=leader_a).exists()


def test_the_accounts_list_links_to_the_confirmation_instead_of_locking(
    client_for, officer_a, leader_a
):
    text = client_for(officer_a).get(reverse("accounts:user-list")).content.decode()
    url = reverse("accounts:user-set-active", args=[leader_a.pk])
    assert f'<a href="{url}">' in text
    assert 'name="active" value="0"' not in text


def test_an_officer_of_another_area_cannot_open_the_lock_page(client_for, officer_b, leader_a):
    client = client_for(officer_b)
    url = reverse("accounts:user-set-active", args=[leader_a.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"active": "0"}).status_code == 404
    leader_a.refresh_from_db()
    assert leader_a.is_active


def test_an_officer_cannot_lock_their_own_account_from_the_page(client_for, officer_a):
    url = reverse("accounts:user-set-active", args=[officer_a.pk])
    assert client_for(officer_a).get(url).status_code == 403


def test_unlocking_is_one_click_on_the_list(client_for, officer_a, leader_a):
    User.objects.filter(pk=leader_a.pk).update(is_active=False)
    client = client_for(officer_a)
    assert 'name="active" value="1"' in client.get(reverse("accounts:user-list")).content.decode()
    client.post(reverse("accounts:user-set-active", args=[leader_a.pk]), {"active": "1"})
    leader_a.refresh_from_db()
    assert leader_a.is_active
