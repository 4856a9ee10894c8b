"""Normalisation of names, streets, numbers and phones."""

import pytest

from organizer.residents.normalize import fold, name_key, phone_e164, split_number, street_key, suffix_rank


def test_fold_removes_accents_case_and_punctuation():
    assert fold("Hélène-Marie  D'Œuvre") == "helene marie d oeuvre"
    assert fold(None) == ""


def test_name_key():
    assert name_key("Hélène", "DUPONT") == name_key("helene", "Dupont") == "helene dupont"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Av. Jean-Jaurès", "avenue jean jaures"),
        ("avenue Jean Jaures", "avenue jean jaures"),
        ("bd de la Libération", "boulevard de la liberation"),
        ("allée des acacias", "allee des acacias"),
        ("R. Saint-Éloi", "rue saint eloi"),
    ],
)
def test_street_key(raw, expected):
    assert street_key(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", (12, None)),
        ("12 bis", (12, "bis")),
        ("12BIS", (12, "bis")),
        ("12B", (12, "b")),
        ("12 ter", (12, "ter")),
        ("12-14", (12, None)),
        ("  7 a ", (7, "a")),
        ("s/n", (None, None)),
        ("", (None, None)),
        (None, (None, None)),
    ],
)
def test_split_number(raw, expected):
    assert split_number(raw) == expected


def test_suffix_order_walks_bis_before_ter_before_letters():
    suffixes = ["b", None, "ter", "a", "bis", "quater"]
    assert sorted(suffixes, key=suffix_rank) == [None, "bis", "ter", "quater", "a", "b"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("06.12.34.56.78", "+33612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("612345678", "+33612345678"),
        ("33612345678", "+33612345678"),
        ("+32 470 12 34 56", "+32470123456"),
        ("12 34", None),
        ("", None),
    ],
)
def test_phone_e164(raw, expected):
    assert phone_e164(raw) == expected


def test_street_abbreviations_from_ban_files():
    assert street_key("la gde grange") == "la grande grange"


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("(514) 555-0199", "CA", "+15145550199"),
        ("514.555.0199", "US", "+15145550199"),
        ("06 12 34 56 78", "US", None),
        ("0000000000", "FR", None),
        ("06 12 34 56 78 9", "FR", None),
    ],
)
def test_phone_e164_in_the_organizations_country(raw, country, expected):
    assert phone_e164(raw, country) == expected


def test_phones_shown_in_the_national_form_of_the_country():
    from organizer.residents.phones import display, last_digits

    assert display("+33612345678", "FR") == "06 12 34 56 78"
    assert display("+32470123456", "FR") == "+32 470 12 34 56"
    assert display("+15145550199", "CA") == "(514) 555-0199"
    assert display("+15145550199", "FR") == "+1 514-555-0199"
    assert display("not a number", "FR") == "not a number" and display(None) == ""
    assert last_digits("+33612345678") == "78"
