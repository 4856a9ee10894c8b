"""Each record through HTTP: create, validation error re-displayed, edit, concurrent edit -> 409."""

import re
from datetime import date, timedelta

from sqlalchemy import func, select

from organizer.conversations.models import (
    Assessment,
    Commitment,
    DoorKnock,
    HouseMeeting,
    HouseMeetingAttendee,
    OneOnOne,
)
from organizer.extensions import db
from organizer.residents.models import Resident

TODAY = date.today().isoformat()


def version_of(page: str) -> str:
    return re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_one_on_one_create_validate_edit_and_conflict(app, client, make_user, people):
    _id, email = make_user("organizer", name="Nadia")
    client.login(email)
    url = "/conversations/one-on-ones/new"
    # Validation: no resident, "later" without a date -> the form comes back with what was typed.
    response = client.post_form(url, {"met_on": TODAY, "story": "Elle vit ici depuis 20 ans", "answer": "later"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Choose the resident." in page, page[page.find("<main") :][:3000]
    assert "Give the date by which they will answer." in page
    assert "Elle vit ici depuis 20 ans" in page
    assert count(app, OneOnOne) == 0

    data = {
        "resident_id": people["helene"],
        "met_on": TODAY,
        "place": "Café du marché",
        "duration_minutes": "45",
        "story": "Elle vit ici depuis 20 ans",
        "needs": "Des charges justes",
        "new_issues": "Loyers trop chers, Éclairage public",
        "energy": "4",
        "ask": "Accueillir une réunion d'appartement",
        "answer": "yes",
        "follow_up_on": (date.today() + timedelta(days=3)).isoformat(),
        "assessment": "Leader potentielle",
    }
    response = client.post_form(url, data)
    assert response.status_code == 302
    meeting_url = response.headers["Location"]
    page = client.get(meeting_url).get_data(as_text=True)
    assert "Loyers trop chers" in page and "Leader potentielle" in page
    with app.app_context():
        resident = db.session.get(Resident, people["helene"])
        assert resident.last_contacted_at is not None
        meeting_id = db.session.scalar(select(OneOnOne.id))

    edit = f"/conversations/one-on-ones/{meeting_id}/edit"
    page = client.get(edit).get_data(as_text=True)
    stale_version = version_of(page)
    # Someone else saves first...
    other = app.test_client()
    _oid, other_email = make_user("organizer")
    other.login(other_email)
    assert other.post_form(edit, {**data, "version": stale_version, "assessment": "Très engagée"}).status_code == 302
    # ...then this person saves on the old version: 409, both versions shown, nothing overwritten.
    response = client.post_form(edit, {**data, "version": stale_version, "assessment": "Hésitante"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Très engagée" in page and "Hésitante" in page
    with app.app_context():
        assert db.session.get(OneOnOne, meeting_id).assessment == "Très engagée"
    # Saving again on the version shown keeps theirs in history and this one on top.
    response = client.post_form(edit, {**data, "version": version_of(page), "assessment": "Hésitante"})
    assert response.status_code == 302
    with app.app_context():
        texts = db.session.scalars(select(Assessment.text).order_by(Assessment.id)).all()
        assert texts == ["Leader potentielle", "Très engagée", "Hésitante"]


def test_house_meeting_creates_two_new_residents_with_consent(app, client, make_user, people):
    _id, email = make_user("organizer")
    client.login(email)
    url = "/conversations/house-meetings/new"
    base = {"host_id": people["helene"], "held_on": TODAY, "place": "12 rue des Lilas", "new_issues": "Transports"}
    lines = {
        "attendees-0-resident_id": people["karim"],
        "attendees-0-brought_by": "host",
        "attendees-1-first_name": "Sofia",
        "attendees-1-last_name": "Martin",
        "attendees-1-consent_basis": "consent",
        "attendees-1-consent_method": "oral, at the meeting",
        "attendees-1-brought_by": "line-0",
        "attendees-2-first_name": "Paul",
        "attendees-2-last_name": "Girard",
        "attendees-2-consent_basis": "consent",
        "attendees-2-consent_method": "signed sheet",
        "attendees-2-brought_by": "line-1",
        "attendees-2-new_host": "y",
    }
    # A new person without consent is refused, everything typed stays.
    missing = {**lines, "attendees-2-consent_method": ""}
    response = client.post_form(url, {**base, **missing})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Record the consent basis and how it was obtained." in page and "Girard" in page
    assert count(app, HouseMeeting) == 0 and count(app, Resident) == 3

    response = client.post_form(url, {**base, **lines})
    assert response.status_code == 302
    with app.app_context():
        new = {r.last_name: r for r in db.session.scalars(select(Resident).where(Resident.id > people["maria"]))}
        assert set(new) == {"Martin", "Girard"}
        for resident in new.values():
            assert resident.consent_basis == "consent" and resident.consent_date == date.today()
            assert resident.data_source == f"house meeting {TODAY}" and resident.name_key
        assert new["Girard"].consent_method == "signed sheet"
        brought = dict(
            db.session.execute(select(HouseMeetingAttendee.resident_id, HouseMeetingAttendee.brought_by_id)).all()
        )
        # Who brought whom: host -> Karim -> Sofia -> Paul.
        assert brought == {
            people["karim"]: people["helene"],
            new["Martin"].id: people["karim"],
            new["Girard"].id: new["Martin"].id,
        }
        meeting = db.session.scalar(select(HouseMeeting))
        meeting_id, version = meeting.id, meeting.version
    page = client.get(f"/conversations/house-meetings/{meeting_id}").get_data(as_text=True)
    assert "Sofia Martin" in page and "Transports" in page

    # The edit form shows every attendee line with who brought them.
    edit = f"/conversations/house-meetings/{meeting_id}/edit"
    page = client.get(edit).get_data(as_text=True)
    assert f'<option selected value="{new["Martin"].id}">Sofia Martin</option>' in page
    assert re.search(r'<option selected value="line-1">Sofia Martin</option>', page)
    # Concurrent edit of the notes: second save on a stale version is a 409 with both versions.
    form = {**base, "version": str(version), "attendees-0-resident_id": people["karim"]}
    assert client.post_form(edit, {**form, "notes": "Première version"}).status_code == 302
    response = client.post_form(edit, {**form, "notes": "Seconde version"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Première version" in page and "Seconde version" in page


def test_door_knock_by_hand(app, client, make_user, people):
    _id, email = make_user("organizer")
    client.login(email)
    url = "/conversations/door-knocks/new"
    response = client.post_form(url, {"resident_id": people["karim"], "knocked_on": TODAY})
    assert response.status_code == 200 and "Choose a result." in response.get_data(as_text=True)
    response = client.post_form(
        url,
        {
            "resident_id": people["karim"],
            "knocked_on": TODAY,
            "result": "talked",
            "support_level": "4",
            "new_issues": "Propreté des parties communes",
            "note": "Ascenseur en panne",
            "follow_up": "y",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        knock = db.session.scalar(select(DoorKnock))
        assert (knock.household_id, knock.resident_id, knock.support_level) == (people["h_out"], people["karim"], 4)
        assert knock.follow_up and db.session.get(Resident, people["karim"]).last_contacted_at is not None


def test_commitment_create_validate_and_conflict(app, client, make_user, people):
    user_id, email = make_user("organizer")
    client.login(email)
    url = "/conversations/commitments/new"
    data = {"direction": "resident", "resident_id": people["helene"], "owner_id": user_id, "what": ""}
    response = client.post_form(url, data)
    assert response.status_code == 200 and "This field is required." in response.get_data(as_text=True)
    response = client.post_form(url, {**data, "what": "Apporter 5 voisins", "due_on": TODAY})
    assert response.status_code == 302
    response = client.post_form(
        url, {**data, "direction": "us", "user_id": user_id, "what": "Rappeler le bailleur", "due_on": TODAY}
    )
    assert response.status_code == 302
    with app.app_context():
        theirs, ours = db.session.scalars(select(Commitment).order_by(Commitment.id)).all()
        assert (theirs.from_resident_id, theirs.to_user_id is None) == (people["helene"], True)
        assert (ours.from_user_id, ours.to_resident_id) == (user_id, people["helene"])
        commitment_id = theirs.id
    edit = f"/conversations/commitments/{commitment_id}/edit"
    stale = version_of(client.get(edit).get_data(as_text=True))
    form = {**data, "what": "Apporter 6 voisins", "version": stale, "status": "open"}
    assert client.post_form(edit, form).status_code == 302
    response = client.post_form(edit, {**form, "what": "Apporter 3 voisins"})
    assert response.status_code == 409
    assert "Apporter 6 voisins" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Commitment, commitment_id).what == "Apporter 6 voisins"
