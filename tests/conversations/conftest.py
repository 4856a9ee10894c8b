"""Fixtures for conversations: a few residents at known doors, a turf assigned to a canvasser."""

from datetime import date, timedelta

import pytest

from organizer.extensions import db
from organizer.residents.models import Address, Household, Resident
from organizer.residents.normalize import name_key
from organizer.turfs.models import Turf, TurfAssignment


@pytest.fixture
def people(app):
    """Two doors (one in turf "Nord"), three residents; returns ids in a dict."""
    with app.app_context():
        turf = Turf(name="Nord")
        db.session.add(turf)
        db.session.flush()
        inside = Address(number=12, street="Rue des Lilas", street_key="rue des lilas", turf_id=turf.id)
        outside = Address(number=3, street="Rue Haute", street_key="rue haute")
        db.session.add_all([inside, outside])
        db.session.flush()
        h_in, h_out = Household(address_id=inside.id), Household(address_id=outside.id)
        db.session.add_all([h_in, h_out])
        db.session.flush()
        ids = {"turf": turf.id, "h_in": h_in.id, "h_out": h_out.id}
        for key, first, last, household in [
            ("helene", "Hélène", "Dupont", h_in),
            ("karim", "Karim", "Haddad", h_out),
            ("maria", "María", "Gómez", h_in),
        ]:
            resident = Resident(
                first_name=first,
                last_name=last,
                name_key=name_key(first, last),
                household_id=household.id,
                data_source="test",
            )
            db.session.add(resident)
            db.session.flush()
            ids[key] = resident.id
        db.session.commit()
        return ids


@pytest.fixture
def assign(app):
    """assign(user_id, turf_id, days=7): give a turf to a user until today + days."""

    def factory(user_id: int, turf_id: int, days: int = 7):
        with app.app_context():
            db.session.add(TurfAssignment(turf_id=turf_id, user_id=user_id, until=date.today() + timedelta(days=days)))
            db.session.commit()

    return factory
