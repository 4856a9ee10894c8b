"""Column guessing: French and English column names, accents, case and camelCase folded."""

import pytest

from organizer.residents.columns import field_for, guess_mapping


@pytest.mark.parametrize(
    ("column", "field"),
    [
        ("Escalier", "staircase"),
        ("ESC", "staircase"),
        ("Étage", "floor"),
        ("etage", "floor"),
        ("Floor", "floor"),
        ("Porte", "door"),
        ("Door", "door"),
        ("Apt", "door"),
        ("Unit", "door"),
        ("Bâtiment", "building"),
        ("BAT", "building"),
        ("Building", "building"),
        ("Digicode", "access_notes"),
        ("Code porte", "access_notes"),
        ("Code postal", "postcode"),
        ("CP", "postcode"),
        ("ZIP code", "postcode"),
        ("Commune", "city"),
        ("Ville", "city"),
        ("City", "city"),
        ("Prénom", "first_name"),
        ("PRENOM", "first_name"),
        ("First Name", "first_name"),
        ("Nom", "last_name"),
        ("Last name", "last_name"),
        ("Nom de naissance", "birth_name"),
        ("Téléphone", "phone"),
        ("Tél.", "phone"),
        ("Portable", "phone"),
        ("Mobile", "phone"),
        ("Numéro de téléphone", "phone"),
        ("Tél. fixe", "phone_alt"),
        ("Courriel", "email"),
        ("E-mail", "email"),
        ("Adresse e-mail", "email"),
        ("Adresse", "address"),
        ("Address", "address"),
        ("Complément d'adresse", "unit"),
        ("Address line 2", "unit"),
        ("N°", "number"),
        ("Numéro", "number"),
        ("NumeroVoie", "number"),
        ("Suffixe", "suffix"),
        ("Rue", "street"),
        ("Nom de voie", "street"),
        ("LibelleVoie", "street"),
        ("TypeVoie", ""),
        ("Date de naissance", "birth_date"),
        ("Ville de naissance", ""),
        ("Bureau de vote", "area"),
        ("NoBureauDeVote", "area"),
        ("Quartier", "area"),
        ("Étiquettes", "tags"),
        ("Langues", "languages"),
        ("Ne pas contacter", "do_not_contact"),
        ("Commentaire", "note"),
        ("Identifiant", "source_id"),
        ("Latitude", "lat"),
        ("lng", "lon"),
        ("Couleur préférée", None),
    ],
)
def test_field_for(column, field):
    assert field_for(column) == field


def test_guess_mapping_on_a_tenant_association_sheet():
    header = [
        "Prénom",
        "NOM",
        "Adresse",
        "Bât.",
        "Esc",
        "Étage",
        "Porte",
        "Digicode",
        "Code postal",
        "Ville",
        "Tél. portable",
        "Courriel",
        "Remarques",
    ]
    assert guess_mapping(header) == {
        "first_name": "Prénom",
        "last_name": "NOM",
        "address": "Adresse",
        "building": "Bât.",
        "staircase": "Esc",
        "floor": "Étage",
        "door": "Porte",
        "access_notes": "Digicode",
        "postcode": "Code postal",
        "city": "Ville",
        "phone": "Tél. portable",
        "email": "Courriel",
        "note": "Remarques",
    }


def test_guess_mapping_first_column_wins_and_fields_can_be_limited():
    mapping = guess_mapping(["Téléphone", "Mobile", "Digicode"], fields=("phone",))
    assert mapping == {"phone": "Téléphone"}
