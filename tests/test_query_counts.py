"""No N+1: a list page runs the same number of queries for 5 rows as for 50."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from organizer.audit import services as audit
from organizer.auth import services as auth_services
from organizer.extensions import db
from tests.support.queries import count_queries


def seed_users(app, n):
    with app.app_context():
        for i in range(n):
            auth_services.create_user(f"person{i}-{n}@example.org", f"Person {i}", "canvasser", password="x" * 12)
        db.session.commit()


def seed_audit(app, n):
    with app.app_context():
        for i in range(n):
            audit.record("test.row", None, n=i, actor_id=1)
        db.session.commit()


def _people(n, tag_name, issue_name):
    """n residents in n households, each tagged and with an issue (what list rows display)."""
    from organizer.conversations.models import Issue
    from organizer.residents.models import Address, Household, Resident, Tag
    from organizer.residents.normalize import name_key, street_key

    tag = db.session.scalar(select(Tag).where(Tag.name == tag_name)) or Tag(name=tag_name)
    issue = db.session.scalar(select(Issue).where(Issue.key == issue_name)) or Issue(name=issue_name, key=issue_name)
    people = []
    for i in range(n):
        address = Address(number=i + 1, street="Rue Joffre", street_key=street_key("Rue Joffre"))
        person = Resident(
            first_name="Hélène",
            last_name=f"Dupont{n}x{i}",
            name_key=name_key("Hélène", f"Dupont{n}x{i}"),
            sort_key=f"dupont{n}x{i} helene",
            household=Household(address=address),
            data_source="test",
        )
        person.tags.append(tag)
        person.issues.append(issue)
        db.session.add(person)
        people.append(person)
    db.session.flush()
    return people


def seed_residents(app, n):
    with app.app_context():
        _people(n, "locataire", "loyers")
        db.session.commit()


def seed_door_knocks(app, n):
    from organizer.conversations.models import DoorKnock

    with app.app_context():
        for person in _people(n, "voisin", "eclairage"):
            knock = DoorKnock(
                household_id=person.household_id,
                resident_id=person.id,
                result="talked",
                canvasser_id=1,
                note="Parle des charges",
            )
            knock.issues.extend(person.issues)
            db.session.add(knock)
        db.session.commit()


def seed_turfs(app, n):
    from organizer.residents.models import Address
    from organizer.turfs.models import Turf, TurfAssignment

    with app.app_context():
        for i in range(n):
            turf = Turf(name=f"Secteur {n}-{i}")
            db.session.add(turf)
            db.session.flush()
            db.session.add(Address(number=i + 1, street="Rue Nationale", street_key="rue nationale", turf_id=turf.id))
            db.session.add(TurfAssignment(turf_id=turf.id, user_id=1, until=date(2030, 1, 1)))
        db.session.commit()


def seed_campaigns(app, n):
    from organizer.campaigns.models import Action, Campaign

    with app.app_context():
        for i in range(n):
            campaign = Campaign(name=f"Campagne {n}-{i}", status="active")
            db.session.add(campaign)
            db.session.flush()
            db.session.add(
                Action(
                    campaign_id=campaign.id,
                    kind="rally",
                    title=f"Rassemblement {i}",
                    starts_at=datetime(2030, 1, 1, tzinfo=UTC),
                )
            )
        db.session.commit()


def seed_meetings(app, n):
    from organizer.meetings import services as meetings

    with app.app_context():
        for i in range(n):
            meeting = meetings.create_meeting(
                f"Réunion {n}-{i}", datetime(2030, 1, 1, 18, tzinfo=UTC) + timedelta(days=i)
            )
            meetings.add_item(meeting, "Tour de table", minutes=10)
        db.session.commit()


def seed_commitments(app, n):
    from organizer.conversations.models import Commitment

    with app.app_context():
        for i, person in enumerate(_people(n, "engagé", "transports")):
            db.session.add(
                Commitment(
                    from_resident_id=person.id,
                    what=f"Venir {i}",
                    due_on=date(2030, 1, 1),
                    status="open",
                    owner_id=1,
                    from_user_id=None,
                )
            )
        db.session.commit()


# (url, seeding function): every list page belongs here.
LIST_PAGES = [
    ("/admin/users/", seed_users),
    ("/admin/audit/?action=test.row", seed_audit),
    ("/residents/", seed_residents),
    ("/conversations/", seed_door_knocks),
    ("/turfs/", seed_turfs),
    ("/campaigns/", seed_campaigns),
    ("/meetings/", seed_meetings),
    ("/conversations/commitments", seed_commitments),
    ("/conversations/follow-ups", seed_commitments),
    ("/reports/listening", seed_door_knocks),
]


@pytest.mark.parametrize(("url", "seed"), LIST_PAGES, ids=[url for url, _ in LIST_PAGES])
def test_list_page_query_count_does_not_grow_with_rows(app, client, admin, url, seed):
    client.login(admin[1])
    seed(app, 5)
    client.get(url)  # warm caches (translations, metadata)
    with count_queries(app) as few:
        assert client.get(url).status_code == 200
    seed(app, 45)
    with count_queries(app) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), "\n".join(many)


def seed_turf_doors(app, n):
    """n more doors (address, household, resident, a door knock) in the turf "Secteur des portes"."""
    from organizer.conversations.models import DoorKnock
    from organizer.residents.models import Address, Household, Resident
    from organizer.turfs.models import Turf

    with app.app_context():
        turf = db.session.scalar(select(Turf).where(Turf.name == "Secteur des portes"))
        if turf is None:
            turf = Turf(name="Secteur des portes")
            db.session.add(turf)
            db.session.flush()
        start = db.session.query(Address).filter_by(turf_id=turf.id).count()
        for i in range(start, start + n):
            address = Address(number=i + 1, street="Rue Joffre", street_key="rue joffre", turf_id=turf.id, lat=49.5)
            household = Household(address=address)
            db.session.add(Resident(first_name="Camille", last_name=f"Martin{i}", household=household, data_source="t"))
            db.session.flush()
            db.session.add(DoorKnock(household_id=household.id, result="talked"))
        db.session.commit()
        return turf.id


def test_turf_page_query_count_does_not_grow_with_doors(app, client, admin):
    """The turf page is audited on GET: the audit commit must not expire the doors and reload them one by one."""
    client.login(admin[1])
    turf_id = seed_turf_doors(app, 5)
    client.get(f"/turfs/{turf_id}")
    with count_queries(app) as few:
        assert client.get(f"/turfs/{turf_id}").status_code == 200
    seed_turf_doors(app, 45)
    with count_queries(app) as many:
        assert client.get(f"/turfs/{turf_id}").status_code == 200
    assert len(many) == len(few), "\n".join(many)
