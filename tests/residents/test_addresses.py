"""The address-line parser: French lines as people type them, and the common North-American form."""

import pytest

from organizer.residents.addresses import parse_address, split_unit, starts_with_number


def parts(text, country="FR"):
    parsed = parse_address(text, country).as_dict()
    return {key: value for key, value in parsed.items() if value not in (None, "")}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("21 rue Monety", {"number": 21, "street": "rue Monety"}),
        ("21, rue Monety", {"number": 21, "street": "rue Monety"}),
        ("12 bis av. Jean-Jaurès", {"number": 12, "suffix": "bis", "street": "av. Jean-Jaurès"}),
        ("12BIS rue Joffre", {"number": 12, "suffix": "bis", "street": "rue Joffre"}),
        ("3 ter, place de la Gare", {"number": 3, "suffix": "ter", "street": "place de la Gare"}),
        ("7 quater Grande Rue", {"number": 7, "suffix": "quater", "street": "Grande Rue"}),
        ("12B rue Joffre", {"number": 12, "suffix": "b", "street": "rue Joffre"}),
        ("12 B rue Joffre", {"number": 12, "suffix": "b", "street": "rue Joffre"}),
        ("N° 4 impasse des Lilas", {"number": 4, "street": "impasse des Lilas"}),
        ("12-14 rue du Port", {"number": 12, "street": "rue du Port"}),
        ("3 avenue Foch", {"number": 3, "street": "avenue Foch"}),
        ("14 r. Maréchal Joffre", {"number": 14, "street": "r. Maréchal Joffre"}),
        ("14 r Joffre", {"number": 14, "street": "r Joffre"}),
        ("8 rue du 8 Mai 1945", {"number": 8, "street": "rue du 8 Mai 1945"}),
        ("rue de la Paix", {"street": "rue de la Paix"}),
        ("Lieu-dit La Haie", {"street": "Lieu-dit La Haie"}),
        (
            "12 bis rue Joffre 54400 Longwy",
            {"number": 12, "suffix": "bis", "street": "rue Joffre", "postcode": "54400", "city": "Longwy"},
        ),
        (
            "5 rue Carnot, 75011 Paris CEDEX 11",
            {"number": 5, "street": "rue Carnot", "postcode": "75011", "city": "Paris"},
        ),
        (
            "5 rue Carnot, Bât. B, esc. 2, 3e étage, porte 12",
            {"number": 5, "street": "rue Carnot", "building": "B", "staircase": "2", "floor": "3", "door": "12"},
        ),
        (
            "Bâtiment C escalier 4 1er étage appt 31 18 allée des Acacias",
            {
                "number": 18,
                "street": "allée des Acacias",
                "building": "C",
                "staircase": "4",
                "floor": "1",
                "door": "31",
            },
        ),
        ("Appt 12, 5 rue Victor Hugo", {"number": 5, "street": "rue Victor Hugo", "door": "12"}),
        ("9 rue Pasteur RDC gauche", {"number": 9, "street": "rue Pasteur", "floor": "0", "door": "gauche"}),
        (
            "9 rue Pasteur, rez-de-chaussée, porte gauche",
            {"number": 9, "street": "rue Pasteur", "floor": "0", "door": "gauche"},
        ),
        # Street names that look like unit words are left alone.
        ("2 rue de la Porte Rouge", {"number": 2, "street": "rue de la Porte Rouge"}),
        ("4 quai de l'Escaut", {"number": 4, "street": "quai de l'Escaut"}),
        ("6 rue du Bateau", {"number": 6, "street": "rue du Bateau"}),
        ("1 rue de l'Appel", {"number": 1, "street": "rue de l'Appel"}),
        ("10 rue Ste Catherine", {"number": 10, "street": "rue Ste Catherine"}),
        ("", {}),
    ],
)
def test_french_lines(line, expected):
    expected = {key: value for key, value in expected.items() if value is not None}
    assert parts(line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("123 Main St", {"number": 123, "street": "Main St"}),
        (
            "123 Main St Apt 4B, Springfield, IL 62701",
            {
                "number": 123,
                "street": "Main St",
                "door": "4B",
                "city": "Springfield",
                "region": "IL",
                "postcode": "62701",
            },
        ),
        (
            "742 Evergreen Terrace, Unit 5, Springfield, OR 97403-1234",
            {
                "number": 742,
                "street": "Evergreen Terrace",
                "door": "5",
                "city": "Springfield",
                "region": "OR",
                "postcode": "97403-1234",
            },
        ),
        ("55 W 42nd St #1203", {"number": 55, "street": "W 42nd St", "door": "1203"}),
        ("12 E Main Street, 3rd Floor", {"number": 12, "street": "E Main Street", "floor": "3"}),
        ("221B Baker Street", {"number": 221, "suffix": "b", "street": "Baker Street"}),
        (
            "4B-1280 rue Sherbrooke Ouest, Montréal, QC H3G 1H5",
            {
                "number": 1280,
                "street": "rue Sherbrooke Ouest",
                "door": "4B",
                "city": "Montréal",
                "region": "QC",
                "postcode": "H3G 1H5",
            },
        ),
        (
            "1600 Pennsylvania Ave NW, Washington, DC",
            {"number": 1600, "street": "Pennsylvania Ave NW", "city": "Washington", "region": "DC"},
        ),
    ],
)
def test_north_american_lines(line, expected):
    assert parts(line, "US") == expected


def test_split_unit_keeps_what_it_cannot_place():
    unit, rest = split_unit("Bât A, chez Mme Roux")
    assert unit["building"] == "A" and rest == "chez Mme Roux"


def test_starts_with_number():
    assert starts_with_number("21 rue Monety") and starts_with_number("n° 3 rue X")
    assert not starts_with_number("rue Monety") and not starts_with_number(None)
