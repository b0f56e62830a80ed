from __future__ import annotations

import pytest
from django.utils import translation

from core.phones import InvalidPhone, mask_phone, normalize_phone


@pytest.fixture(autouse=True)
def english():
    # Messages are asserted in their English source form, whatever the .po files say later.
    with translation.override("en"):
        yield


@pytest.mark.parametrize("raw", [None, "", "   ", "\t\n"])
def test_blank_values_give_an_empty_string(raw):
    assert normalize_phone(raw) == ""


@pytest.mark.parametrize(
    "raw",
    [
        "0912345678",
        "+84 912 345 678",
        "84912345678",
        "(+84) 912-345-678",
        "0912.345.678",
        "0912 345 678",
        "+84 (0) 912 345 678",
        "0084 912 345 678",
        "０９１２３４５６７８",
        "0912\u00a0345\u00a0678",
    ],
)
def test_written_forms_of_a_mobile_number_give_one_stored_form(raw):
    assert normalize_phone(raw) == "0912345678"


def test_excel_dropped_leading_zero_is_restored():
    assert normalize_phone("912345678") == "0912345678"
    assert normalize_phone("386123456") == "0386123456"


def test_a_number_that_excel_stored_as_a_number_is_restored():
    assert normalize_phone(912345678) == "0912345678"
    assert normalize_phone(912345678.0) == "0912345678"
    assert normalize_phone("912345678.0") == "0912345678"


@pytest.mark.parametrize(
    "raw", ["0208 3855 123", "02083855123", "2083855123", "+84 208 3855 123", 2083855123.0]
)
def test_thai_nguyen_landline_forms_give_eleven_digits(raw):
    assert normalize_phone(raw) == "02083855123"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("01686123456", "0386123456"),
        ("0162 612 3456", "0326123456"),
        ("01206123456", "0706123456"),
        ("01216123456", "0796123456"),
        ("01236123456", "0836123456"),
        ("01276123456", "0816123456"),
        ("01866123456", "0566123456"),
        ("01996123456", "0596123456"),
        ("+84 168 612 3456", "0386123456"),
        ("1686123456", "0386123456"),
    ],
)
def test_pre_2018_eleven_digit_mobile_numbers_get_their_current_form(old, new):
    assert normalize_phone(old) == new


@pytest.mark.parametrize(
    "raw",
    [
        "0123",
        "0612345678",
        "12345",
        "09123456789",
        "091234567",
        "0912abc678",
        "0912345678 (Zalo)",
        "+1 212 555 0100",
        "0912+345678",
        "01306123456",
        912345678.5,
        -912345678,
        True,
    ],
)
def test_values_that_are_not_vietnamese_numbers_are_refused(raw):
    with pytest.raises(InvalidPhone):
        normalize_phone(raw)


def test_the_refusal_message_names_the_value():
    with pytest.raises(InvalidPhone) as caught:
        normalize_phone("0612 345 678")
    assert str(caught.value) == "“0612 345 678” is not a Vietnamese mobile or landline number."
    assert isinstance(caught.value, ValueError)


def test_masking_keeps_the_first_four_and_last_three_digits():
    assert mask_phone("0912345678") == "0912•••678"
    assert mask_phone("02083855123") == "0208••••123"


def test_masking_an_empty_phone_gives_an_empty_string():
    assert mask_phone("") == ""
