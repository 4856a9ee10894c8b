"""The phone's API over HTTP: what it may keep, the sync endpoint (each key once, answers per item, refusals
with reasons), "back" within a minute, who can no longer send, the service worker and the manifest."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from organizer.audit.models import AuditEvent
from organizer.auth.models import User
from organizer.canvass.models import CanvassReceipt
from organizer.conversations.models import DoorKnock, door_knock_issues
from organizer.extensions import db
from organizer.residents.models import Resident
from organizer.turfs.models import TurfAssignment
from tests.canvass.conftest import make_block_turf


def key() -> str:
    return str(uuid.uuid4())


def signed_in(client, make_user, app, role="canvasser"):
    _user_id, email = make_user(role)
    ids = make_block_turf(app, email)
    client.login(email)
    me = client.get("/canvass/api/me").get_json()
    return ids, me["csrf"]


def send(client, token, items):
    return client.post("/canvass/api/sync", json={"items": items}, headers={"X-CSRFToken": token})


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_me_and_turf_payload_are_private_and_in_walking_order(app, client, make_user):
    ids, _token = signed_in(client, make_user, app)
    response = client.get("/canvass/api/me")
    assert response.headers["Cache-Control"] == "no-store, private"
    me = response.get_json()
    assert [(t["name"], t["doors"], t["done"], t["left"]) for t in me["turfs"]] == [("Les Lilas", 12, 0, 12)]
    response = client.get(f"/canvass/api/turfs/{ids['turf']}")
    assert response.headers["Cache-Control"] == "no-store, private"
    payload = response.get_json()
    assert [door["id"] for door in payload["doors"]] == ids["households"]
    assert payload["doors"][0]["group"] == ["bldg. A · stair 1", "floor RDC"]
    # The do-not-contact resident is never sent to the phone: the door says "do not knock", no name.
    dnk = next(door for door in payload["doors"] if door["do_not_knock"])
    assert dnk["residents"] == [] and "Diallo2" not in response.get_data(as_text=True)
    assert payload["issues"] == [{"id": ids["issue"], "name": "Chauffage"}]
    assert payload["script"].startswith("Bonjour")


def test_turf_of_someone_else_is_not_sent(app, client, make_user):
    _other_id, other_email = make_user("canvasser")
    theirs = make_block_turf(app, other_email, name="Autre", street="rue Haute")
    signed_in(client, make_user, app)
    assert client.get(f"/canvass/api/turfs/{theirs['turf']}").status_code == 404
    # An organizer sees every turf in the office, but the phone keeps only turfs assigned to them.
    client.post_form("/logout")
    _id, organizer = make_user("organizer")
    client.login(organizer)
    assert client.get(f"/canvass/api/turfs/{theirs['turf']}").status_code == 404


def test_sync_saves_each_key_once_with_new_person_and_issues(app, client, make_user):
    ids, token = signed_in(client, make_user, app)
    doors = ids["households"]
    talker = doors[0]
    items = [
        {
            "key": key(),
            "household_id": talker,
            "result": "talked",
            "resident_id": ids["residents"][talker],
            "answered": "resident",
            "support": "4",
            "issue_ids": [ids["issue"]],
            "new_issues": ["Ascenseur en panne"],
            "note": "Le chauffage coupe la nuit",
            "follow_up": True,
            "knocked_at": (datetime.now(UTC) - timedelta(minutes=3)).isoformat(),
        },
        {
            "key": key(),
            "household_id": doors[1],
            "result": "talked",
            "answered": "new",
            "new_person": {
                "first_name": "Aminata",
                "last_name": "Sow",
                "phone": "06 12 34 56 78",
                "email": "aminata@example.org",
                "consent_basis": "consent",
                "consent_method": "Oral, at the door",
            },
        },
        {"key": key(), "household_id": doors[3], "result": "not_home"},
    ]
    answers = send(client, token, items).get_json()["answers"]
    assert [a["status"] for a in answers] == ["saved", "saved", "saved"]
    # The same batch again (the answer was lost on the way back): nothing new.
    again = send(client, token, items).get_json()["answers"]
    assert [a["status"] for a in again] == ["duplicate"] * 3
    assert [a["knock_id"] for a in again] == [a["knock_id"] for a in answers]
    assert count(app, DoorKnock) == 3 and count(app, CanvassReceipt) == 3
    with app.app_context():
        first = db.session.get(DoorKnock, answers[0]["knock_id"])
        assert (first.result, first.support_level, first.follow_up, first.entered_via) == ("talked", 4, True, "phone")
        assert abs((first.knocked_at.replace(tzinfo=UTC) - datetime.now(UTC)).total_seconds() - (-180)) < 30
        issue_count = db.session.scalar(
            select(func.count()).select_from(door_knock_issues).where(door_knock_issues.c.door_knock_id == first.id)
        )
        assert issue_count == 2
        person = db.session.scalar(select(Resident).where(Resident.last_name == "Sow"))
        assert person.household_id == doors[1] and person.phone == "+33612345678"
        assert (person.consent_basis, person.consent_method) == ("consent", "Oral, at the door")
        assert person.data_source == "Door knock, turf Les Lilas"
        second = db.session.get(DoorKnock, answers[1]["knock_id"])
        assert second.resident_id == person.id
    me = client.get("/canvass/api/me").get_json()
    assert (me["turfs"][0]["done"], me["turfs"][0]["left"]) == (3, 9)


def test_refusals_carry_reasons_and_nothing_else_is_lost(app, client, make_user):
    ids, token = signed_in(client, make_user, app)
    doors, residents = ids["households"], ids["residents"]
    erased, dnc = doors[0], doors[4]
    with app.app_context():
        db.session.delete(db.session.get(Resident, residents[erased]))
        db.session.get(Resident, residents[dnc]).do_not_contact = True
        db.session.commit()
    items = [
        {"key": key(), "household_id": erased, "result": "talked", "resident_id": residents[erased]},
        {"key": key(), "household_id": dnc, "result": "talked", "resident_id": residents[dnc]},
        {"key": key(), "household_id": doors[2], "result": "not_home"},  # its only resident is do-not-contact
        {"key": key(), "household_id": doors[5], "result": "not_home"},
        {"key": "x", "household_id": doors[5], "result": "not_home"},
        {"key": key(), "household_id": doors[6], "result": "talked", "new_person": {"first_name": "Sans"}},
    ]
    answers = send(client, token, items).get_json()["answers"]
    assert [(a["status"], a.get("reason")) for a in answers] == [
        ("refused", "resident_erased"),
        ("refused", "do_not_contact"),
        ("refused", "do_not_contact"),
        ("saved", None),
        ("refused", "invalid"),
        ("refused", "new_person"),
    ]
    assert "asked not to be contacted" in answers[1]["message"]
    assert count(app, DoorKnock) == 1 and count(app, Resident) == 5
    # The turf is withdrawn meanwhile: whatever is still queued is refused, with the reason.
    with app.app_context():
        db.session.execute(db.delete(TurfAssignment))
        db.session.commit()
    answers = send(client, token, [{"key": key(), "household_id": doors[7], "result": "not_home"}]).get_json()
    assert answers["answers"][0]["reason"] == "turf_unassigned"
    assert "no longer in one of your turfs" in answers["answers"][0]["message"]


def test_refusal_messages_in_french(app, client, make_user):
    ids, token = signed_in(client, make_user, app)
    client.post_form("/language", {"lang": "fr"})
    token = client.get("/canvass/api/me").get_json()["csrf"]
    with app.app_context():
        db.session.execute(db.delete(TurfAssignment))
        db.session.commit()
    answer = send(client, token, [{"key": key(), "household_id": ids["households"][1], "result": "not_home"}])
    assert "ne fait plus partie" in answer.get_json()["answers"][0]["message"]


def test_ended_assignment_or_deactivated_account_cannot_send(app, client, make_user):
    ids, token = signed_in(client, make_user, app)
    with app.app_context():
        assignment = db.session.scalar(select(TurfAssignment))
        assignment.until = assignment.until - timedelta(days=30)
        db.session.commit()
    answers = send(client, token, [{"key": key(), "household_id": ids["households"][1], "result": "not_home"}])
    assert answers.get_json()["answers"][0]["reason"] == "turf_unassigned"
    assert client.get(f"/canvass/api/turfs/{ids['turf']}").status_code == 404
    with app.app_context():
        db.session.get(User, ids["user"]).active = False
        db.session.commit()
    response = send(client, token, [{"key": key(), "household_id": ids["households"][1], "result": "not_home"}])
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert count(app, DoorKnock) == 0


def test_back_undoes_within_a_minute_only(app, client, make_user):
    ids, token = signed_in(client, make_user, app)
    doors, residents = ids["households"], ids["residents"]
    recent = {"key": key(), "household_id": doors[4], "result": "do_not_contact", "resident_id": residents[doors[4]]}
    older = {"key": key(), "household_id": doors[5], "result": "not_home"}
    send(client, token, [recent, older])
    with app.app_context():
        receipt = db.session.scalar(select(CanvassReceipt).where(CanvassReceipt.client_key == older["key"]))
        receipt.received_at = receipt.received_at - timedelta(minutes=2)
        assert db.session.get(Resident, residents[doors[4]]).do_not_contact
        db.session.commit()
    response = client.post(
        "/canvass/api/undo", json={"keys": [recent["key"], older["key"]]}, headers={"X-CSRFToken": token}
    )
    assert response.get_json()["undone"] == [recent["key"]]
    with app.app_context():
        assert [k.household_id for k in db.session.scalars(select(DoorKnock))] == [doors[5]]
        assert not db.session.get(Resident, residents[doors[4]]).do_not_contact
    # A late resend of the undone key does not bring it back.
    assert send(client, token, [recent]).get_json()["answers"][0]["status"] == "duplicate"
    assert count(app, DoorKnock) == 1


def test_sync_and_back_are_audited_with_what_they_saved_only(app, client, make_user):
    ids, token = signed_in(client, make_user, app)
    doors = ids["households"]
    person = {"first_name": "Aminata", "last_name": "Sow", "consent_basis": "consent", "consent_method": "Oral"}
    saved = {"key": key(), "household_id": doors[1], "result": "talked", "answered": "new", "new_person": person}
    refused = {"key": key(), "household_id": 999999, "result": "not_home"}

    def actions():
        with app.app_context():
            rows = db.session.execute(select(AuditEvent.action, AuditEvent.target_type, AuditEvent.details))
            return sorted((a, t, (d or {}).get("via") or (d or {}).get("key")) for a, t, d in rows if "." in a)

    before = actions()
    send(client, token, [saved, refused])
    send(client, token, [saved])  # a resend: already saved, nothing audited again
    new = [row for row in actions() if row not in before]
    assert new == [("door_knock.create", "door_knocks", "phone"), ("resident.create", "residents", "phone")]
    client.post("/canvass/api/undo", json={"keys": [saved["key"]]}, headers={"X-CSRFToken": token})
    assert ("door_knock.undo", None, saved["key"]) in actions()


def test_a_conflict_at_commit_answers_json_and_the_phone_keeps_its_queue(app, client, make_user, monkeypatch):
    from sqlalchemy.orm.exc import StaleDataError

    from organizer.canvass import services

    ids, token = signed_in(client, make_user, app)
    real_sync = services.sync

    def sync_then_conflict(user, items):
        real_sync(user, items)
        raise StaleDataError("a resident changed at that instant")

    monkeypatch.setattr(services, "sync", sync_then_conflict)
    response = send(client, token, [{"key": key(), "household_id": ids["households"][0], "result": "not_home"}])
    # Not the office's HTML conflict page: JSON the phone reads as "not sent yet", and nothing kept.
    assert response.status_code == 409 and "error" in response.get_json()
    assert count(app, DoorKnock) == 0 and count(app, CanvassReceipt) == 0


def test_sync_needs_the_csrf_token_and_a_list(app, client, make_user):
    ids, token = signed_in(client, make_user, app)
    item = {"key": key(), "household_id": ids["households"][1], "result": "not_home"}
    response = client.post("/canvass/api/sync", json={"items": [item]}, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert send(client, token, {"not": "a list"}).status_code == 400
    assert count(app, DoorKnock) == 0


def test_shell_service_worker_and_manifest(app, client, make_user):
    ids, _token = signed_in(client, make_user, app)
    shell = client.get(f"/canvass/turf/{ids['turf']}")
    assert shell.status_code == 200 and shell.headers["Cache-Control"] == "no-store"
    text = shell.get_data(as_text=True)
    # The shell is the same for every door: no name in it, so the cached copy holds nothing personal.
    assert "Martin0" not in text and "canvass.js" in text and 'rel="manifest"' in text
    worker = client.get("/sw.js")
    assert worker.mimetype == "text/javascript" and "canvass-shell-" in worker.get_data(as_text=True)
    manifest = client.get("/canvass/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    icons = manifest.get_json()["icons"]
    assert {icon["sizes"] for icon in icons} == {"192x192", "512x512"}
    for icon in icons:
        assert client.get(icon["src"]).status_code == 200
    # Signed out, the app's pages and API are closed; the worker and manifest hold nothing personal.
    client.post_form("/logout")
    assert client.get("/canvass/").status_code == 302
    assert client.get("/canvass/api/me").status_code == 302
    assert client.get("/sw.js").status_code == 200


def test_public_url_for_and_the_loopback_warning_on_the_print_card(app, client, make_user):
    from organizer.core.urls import public_url_for

    ids, _token = signed_in(client, make_user, app)
    page = client.get(f"/turfs/{ids['turf']}").get_data(as_text=True)
    assert 'data-testid="public-url-warning"' in page and "a phone cannot open them" in page
    # Served on the local network's address: no warning.
    page = client.get(f"/turfs/{ids['turf']}", base_url="http://192.168.1.20:5000").get_data(as_text=True)
    assert 'data-testid="public-url-warning"' not in page
    app.config["PUBLIC_URL"] = "https://organizer.example.org/"
    assert 'data-testid="public-url-warning"' not in client.get(f"/turfs/{ids['turf']}").get_data(as_text=True)
    with app.test_request_context("/"):
        assert public_url_for("canvass.door", household_id=7) == "https://organizer.example.org/canvass/door/7"
    app.config["PUBLIC_URL"] = None
    with app.test_request_context("/", base_url="http://192.168.1.20:5000"):
        assert public_url_for("canvass.door", household_id=7) == "http://192.168.1.20:5000/canvass/door/7"


def test_home_page_starts_with_my_turfs(app, client, make_user):
    ids, _token = signed_in(client, make_user, app)
    page = client.get("/").get_data(as_text=True)
    assert 'data-testid="home-my-turfs"' in page
    # The first panel of the dashboard, before any chart.
    assert page.index("panel panel-my_turfs") == page.index("card panel ") + len("card ")
    assert f'href="/canvass/turf/{ids["turf"]}"' in page and "12</strong> doors left" in page


def test_office_door_page_offers_the_walk_list_to_its_canvasser(app, client, make_user):
    ids, _token = signed_in(client, make_user, app)
    door = ids["households"][0]
    page = client.get(f"/turfs/door/{door}?p=token").get_data(as_text=True)
    assert f'href="/canvass/door/{door}"' in page and "works offline" in page
