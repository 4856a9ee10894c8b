"""A resident with a household, a tag, an issue and a door knock."""

from datetime import date

import pytest

from organizer.conversations.models import DoorKnock, Issue
from organizer.extensions import db
from organizer.residents.models import Address, Household, Resident, Tag
from organizer.residents.normalize import name_key, street_key


@pytest.fixture
def resident_id(app):
    """Hélène Dupont, 12 bis rue Joffre, with one talked knock; returns her id."""
    with app.app_context():
        address = Address(
            number=12,
            suffix="bis",
            street="Rue Joffre",
            street_key=street_key("Rue Joffre"),
            postcode="54111",
            city="Mont-Bonvillers",
        )
        household = Household(address=address)
        person = Resident(
            first_name="Hélène",
            last_name="Dupont",
            name_key=name_key("Hélène", "Dupont"),
            phone="+33612345678",
            email="helene@example.org",
            household=household,
            data_source="porte-à-porte mars 2026",
            consent_basis="consent",
            consent_date=date(2026, 3, 14),
            consent_method="oral, at the door",
        )
        person.tags.append(Tag(name="locataire"))
        person.issues.append(Issue(name="Loyers trop chers", key="loyers trop chers"))
        db.session.add(person)
        db.session.flush()
        db.session.add(
            DoorKnock(
                household_id=household.id,
                resident_id=person.id,
                result="talked",
                note="Parle des charges impayées de son voisin",
            )
        )
        db.session.commit()
        return person.id
