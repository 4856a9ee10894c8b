"""The resident timeline's conversation entries, note privacy, and who may open what."""

from datetime import UTC, date, datetime, timedelta

import pytest
from flask_login import login_user

from organizer.auth.models import User
from organizer.conversations import services
from organizer.extensions import db
from organizer.residents.models import Resident
from organizer.residents.timeline import timeline_for


def _entries(app, resident_id, viewer_id):
    with app.test_request_context():
        viewer = db.session.get(User, viewer_id)
        login_user(viewer)
        return timeline_for(resident_id, viewer)


def test_timeline_in_order_and_sensitive_notes_hidden(app, make_user, people, assign):
    organizer_id, _e = make_user("organizer", name="Nadia")
    canvasser_id, _c = make_user("canvasser", name="Léa")
    other_canvasser_id, _o = make_user("canvasser", name="Hugo")
    leader_id, _l = make_user("leader", name="Julien")
    assign(canvasser_id, people["turf"])
    rid = people["helene"]
    today = date.today()
    with app.test_request_context():
        organizer = db.session.get(User, organizer_id)
        canvasser = db.session.get(User, canvasser_id)
        services.save_one_on_one(
            None,
            {
                "resident_id": rid,
                "met_on": today - timedelta(days=10),
                "story": "Divorce difficile",
                "note_sensitive": True,
            },
            [],
            organizer,
        )
        services.log_door_knock(
            household_id=people["h_in"],
            canvasser=canvasser,
            resident_id=rid,
            result="talked",
            knocked_at=datetime.now(UTC) - timedelta(days=20),
            note="Dette de loyer",
            note_sensitive=True,
        )
        services.save_commitment(
            None, {"from_resident_id": rid, "what": "Venir jeudi", "owner_id": organizer_id}, organizer
        )
        services.move_stage(db.session.get(Resident, rid), "supporter", "kept_commitment", "Venue jeudi", organizer)
        services.save_house_meeting(
            None,
            {"host_id": people["karim"], "held_on": today - timedelta(days=5)},
            [],
            [services.AttendeeInput(resident_id=rid, brought_by="host")],
            organizer,
        )
        db.session.commit()

    entries = _entries(app, rid, organizer_id)
    kinds = [entry.kind for entry in entries]
    assert sorted(kinds) == sorted(["one_on_one", "door_knock", "commitment", "stage_change", "house_meeting"])
    assert [entry.at for entry in entries] == sorted((entry.at for entry in entries), reverse=True)
    assert kinds[-2:] == ["one_on_one", "door_knock"]  # oldest last
    details = {entry.kind: entry.detail for entry in entries}
    assert details["one_on_one"] == "Divorce difficile" and details["door_knock"] == "Dette de loyer"
    assert "brought by Karim Haddad" in next(e.title for e in entries if e.kind == "house_meeting")

    # The canvasser who wrote the door-knock note reads it, not the organizer's sensitive story.
    details = {entry.kind: entry.detail for entry in _entries(app, rid, canvasser_id)}
    assert details["door_knock"] == "Dette de loyer" and details["one_on_one"] == "Sensitive note"
    # Another canvasser and a leader see neither.
    for viewer in (other_canvasser_id, leader_id):
        details = {entry.kind: entry.detail for entry in _entries(app, rid, viewer)}
        assert details["door_knock"] == "Sensitive note" and details["one_on_one"] == "Sensitive note"


@pytest.mark.parametrize(
    ("role", "allowed", "refused"),
    [
        (
            "canvasser",
            ["/conversations/", "/conversations/door-knocks/new", "/conversations/follow-ups"],
            [
                "/conversations/one-on-ones/new",
                "/conversations/house-meetings/new",
                "/conversations/commitments",
                "/conversations/issues",
                "/conversations/ladder/{rid}",
            ],
        ),
        (
            "leader",
            ["/conversations/one-on-ones/new", "/conversations/issues", "/conversations/ladder/{rid}"],
            [],
        ),
        ("organizer", ["/conversations/issues", "/conversations/commitments/new"], []),
    ],
)
def test_pages_per_role(client, make_user, people, role, allowed, refused):
    _id, email = make_user(role)
    client.login(email)
    for url in allowed:
        assert client.get(url.format(rid=people["helene"])).status_code == 200, url
    for url in refused:
        assert client.get(url.format(rid=people["helene"])).status_code == 403, url


def test_leader_may_not_move_ladder_or_merge(client, make_user, people):
    _id, email = make_user("leader")
    client.login(email)
    response = client.post_form(
        f"/conversations/ladder/{people['helene']}", {"to_stage": "leader", "evidence_kind": "other", "evidence": "x"}
    )
    assert response.status_code == 403
    assert client.post_form("/conversations/issues/merge", {}).status_code == 403


def test_anonymous_sent_to_login(client):
    assert client.get("/conversations/follow-ups").status_code == 302
    assert client.get("/conversations/residents.json?q=ab").status_code == 302


def test_canvasser_list_shows_only_door_knocks(client, make_user):
    _id, email = make_user("canvasser")
    client.login(email)
    page = client.get("/conversations/?kind=one_on_one").get_data(as_text=True)
    assert "One-on-ones" not in page
