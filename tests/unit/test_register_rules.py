"""The value rules shared by forms, services and CSV import."""

from __future__ import annotations

import pytest

from tracker.domain import registers as rules
from tracker.domain.registers import InvalidValue


def test_names_are_tidied_and_keyed():
    assert rules.clean_name("  Northshire   ICB ") == "Northshire ICB"
    assert rules.name_key(" NORTHSHIRE  icb") == "northshire icb"
    with pytest.raises(InvalidValue, match="enter the name"):
        rules.clean_name("   ")
    with pytest.raises(InvalidValue, match="200 characters or fewer"):
        rules.clean_name("x" * 201)


@pytest.mark.parametrize(
    ("typed", "stored"), [("rxq", "RXQ"), (" 15n ", "15N"), ("R X 1", "RX1"), ("", None)]
)
def test_ods_codes(typed, stored):
    assert rules.clean_ods_code(typed) == stored


@pytest.mark.parametrize("typed", ["AB", "ABCDEFGHIJK", "RX-1", "R!Q"])
def test_bad_ods_codes(typed):
    with pytest.raises(InvalidValue, match="is not an ODS code"):
        rules.clean_ods_code(typed)


def test_emails():
    assert rules.clean_email(" Bob.Smith@Example.ORG ") == "bob.smith@example.org"
    assert rules.clean_email("") is None
    with pytest.raises(InvalidValue, match=r"^'bob@' is not an email address$"):
        rules.clean_email("bob@")


def test_websites_phones_scores_and_yes_no():
    assert rules.clean_website("www.nhs.uk") == "https://www.nhs.uk"
    assert rules.clean_website("http://example.org/x") == "http://example.org/x"
    with pytest.raises(InvalidValue):
        rules.clean_website("javascript:alert(1)")
    assert rules.clean_phone("+44 (0)1632 960000") == "+44 (0)1632 960000"
    with pytest.raises(InvalidValue):
        rules.clean_phone("ring me")
    assert rules.clean_score(" 4 ") == 4
    for bad in ("0", "6", "3.5", "high"):
        with pytest.raises(InvalidValue, match="is not a whole number from 1 to 5"):
            rules.clean_score(bad)
    assert rules.clean_yes_no("Yes") is True
    assert rules.clean_yes_no("n") is False
    with pytest.raises(InvalidValue):
        rules.clean_yes_no("maybe")


@pytest.mark.parametrize(
    "typed", ["icb", "ICB", "Integrated care board", " integrated CARE board "]
)
def test_types_by_code_or_label(typed):
    assert rules.clean_org_type(typed) == "icb"


def test_groups_and_channels():
    assert rules.clean_professional_group("Executive / board") == "executive"
    assert rules.clean_professional_group("social_care") == "social_care"
    assert rules.clean_channel("Microsoft Teams") == "teams"
    assert rules.clean_channel("") is None
    with pytest.raises(InvalidValue, match="'Carrier pigeon' is not a briefing channel"):
        rules.clean_channel("Carrier pigeon")


def test_notes_keep_line_breaks():
    assert rules.clean_notes("  line one\r\nline two  ") == "line one\nline two"
    assert rules.clean_notes("   ") is None
