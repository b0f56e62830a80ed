"""Households and citizens keep their versions: readable on the household page, a stale save
refused with the other person's change shown, and an erasure that erases the history too."""

from __future__ import annotations

import pytest
from django.urls import reverse

from citizens import services
from citizens.models import Citizen
from tests.consent import CONSENTED

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(tree):
    return services.household_create(
        consent_on=CONSENTED, hamlet=tree.hamlet_a, head_name="Lưu Văn Bình", address="Số 12"
    )


def form_data(household, **changes):
    data = {
        "hamlet": household.hamlet_id,
        "head_name": household.head_name,
        "address": household.address,
        "member_count": household.member_count,
        "smartphone_count": household.smartphone_count,
        "consent_on": household.consent_on.strftime("%d/%m/%Y"),
    }
    data.update(changes)
    return data


def test_two_officers_editing_one_household_the_second_sees_the_firsts_change(
    household, client_for, officer_a
):
    url = reverse("citizens:household-edit", args=[household.pk])
    first = client_for(officer_a)
    opened = first.get(url).context["form"]["opened_at"].value()
    # Another officer saves while the first one is typing.
    services.household_update(
        **{
            **form_data(household, member_count=5),
            "hamlet": household.hamlet,
            "consent_on": household.consent_on,
        },
        household=household,
    )
    refused = first.post(url, form_data(household, address="Số 14", opened_at=opened))
    assert refused.status_code == 200
    errors = " ".join(refused.context["form"].non_field_errors())
    assert "1 → 5" in errors
    assert 'value="Số 14"' in refused.content.decode()
    household.refresh_from_db()
    assert (household.address, household.member_count) == ("Số 12", 5)


def test_the_household_page_shows_who_changed_what(household, client_for, officer_a):
    client = client_for(officer_a)
    url = reverse("citizens:household-edit", args=[household.pk])
    opened = client.get(url).context["form"]["opened_at"].value()
    client.post(url, form_data(household, smartphone_count=3, opened_at=opened))
    page = client.get(reverse("citizens:household-detail", args=[household.pk]))
    change = page.context["changes"][0]
    assert change["who"] == officer_a
    assert [(f["old"], f["new"]) for f in change["fields"]] == [("0", "3")]


def test_phones_in_the_history_are_masked(household, client_for, officer_a):
    citizen = services.citizen_create(household=household, full_name="Lưu Thị Hạnh")
    services.citizen_update(
        citizen=citizen, full_name=citizen.full_name, birth_year=None, sex="", phone="0912345678"
    )
    page = client_for(officer_a).get(reverse("citizens:household-detail", args=[household.pk]))
    assert "0912345678" not in page.content.decode()


def test_erasing_a_person_erases_their_versions(household):
    citizen = services.citizen_create(
        household=household, full_name="Lưu Thị Hạnh", phone="0912345678"
    )
    services.citizen_update(
        citizen=citizen, full_name="Lưu Thị Hạnh", birth_year=1985, sex="female", phone=""
    )
    services.citizen_anonymise(citizen=citizen)
    names = set(Citizen.history.filter(id=citizen.pk).values_list("full_name", flat=True))
    phones = set(Citizen.history.filter(id=citizen.pk).values_list("phone", flat=True))
    assert "Lưu Thị Hạnh" not in names and phones == {""}
