"""A small neighbourhood to report on: two turfs, doors, residents, issues and a builder for conversations."""

from datetime import UTC, date, datetime, timedelta

import pytest

from organizer.conversations.models import DoorKnock, Issue
from organizer.extensions import db
from organizer.residents.models import Address, Household, Resident
from organizer.residents.normalize import name_key
from organizer.turfs.models import Turf, TurfAssignment

TODAY = date.today()


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


class Town:
    """Ids of what the fixture made, and helpers to add more."""

    def __init__(self, app):
        self.app = app
        self.ids: dict[str, int] = {}

    def resident(self, key: str, household: str, first: str, last: str, consent: bool = False) -> int:
        with self.app.app_context():
            resident = Resident(
                first_name=first,
                last_name=last,
                name_key=name_key(first, last),
                household_id=self.ids[household],
                data_source="test",
                quote_consent=consent,
            )
            db.session.add(resident)
            db.session.commit()
            self.ids[key] = resident.id
            return resident.id

    def knock(self, household: str, issues: list[str], resident: str | None = None, days_ago: int = 1, **extra):
        with self.app.app_context():
            knock = DoorKnock(
                household_id=self.ids[household],
                resident_id=self.ids[resident] if resident else None,
                knocked_at=noon(TODAY - timedelta(days=days_ago)),
                result=extra.pop("result", "talked"),
                **extra,
            )
            knock.issues = [db.session.get(Issue, self.ids[i]) for i in issues]
            db.session.add(knock)
            db.session.commit()
            return knock.id


@pytest.fixture
def town(app):
    """Turfs Nord (Rue des Lilas, area "Centre") and Sud (Rue Haute, area "Gare"); issues rent and light."""
    t = Town(app)
    with app.app_context():
        nord, sud = Turf(name="Nord"), Turf(name="Sud")
        db.session.add_all([nord, sud])
        db.session.flush()
        t.ids.update(nord=nord.id, sud=sud.id)
        for key, number, street, turf, area in [
            ("a1", 12, "Rue des Lilas", nord, "Centre"),
            ("a2", 14, "Rue des Lilas", nord, "Centre"),
            ("a3", 3, "Rue Haute", sud, "Gare"),
            ("a4", 5, "Rue Haute", sud, "Gare"),
        ]:
            address = Address(number=number, street=street, street_key=street.lower(), turf_id=turf.id, area=area)
            db.session.add(address)
            db.session.flush()
            household = Household(address_id=address.id)
            db.session.add(household)
            db.session.flush()
            t.ids["h" + key[1]] = household.id
        for key, name in [("rent", "Loyers trop chers"), ("light", "Éclairage public")]:
            issue = Issue(name=name, key=key)
            db.session.add(issue)
            db.session.flush()
            t.ids[key] = issue.id
        db.session.commit()
    t.resident("helene", "h1", "Hélène", "Dupont", consent=True)
    t.resident("maria", "h2", "María", "Gómez")
    t.resident("karim", "h3", "Karim", "Haddad", consent=True)
    return t


@pytest.fixture
def assign(app):
    """assign(user_id, turf_id, days=7): give a turf to a user until today + days (negative: expired)."""

    def factory(user_id: int, turf_id: int, days: int = 7):
        with app.app_context():
            db.session.add(TurfAssignment(turf_id=turf_id, user_id=user_id, until=TODAY + timedelta(days=days)))
            db.session.commit()

    return factory
