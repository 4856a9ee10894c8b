"""The meetings pages: create, agenda editing, attendees, validation, conflicts, permissions."""

import re
from datetime import UTC, datetime

from sqlalchemy import select

from organizer.audit.models import AuditEvent
from organizer.extensions import db
from organizer.meetings import services
from organizer.meetings.models import AgendaItem, Meeting, MeetingTemplate


def _positions(app, meeting_id):
    with app.app_context():
        items = db.session.scalars(
            select(AgendaItem).where(AgendaItem.meeting_id == meeting_id).order_by(AgendaItem.position)
        ).all()
        return [(item.position, item.title) for item in items]


def test_create_from_template_copies_items_and_shows_times(app, client, make_user):
    _uid, email = make_user("organizer")
    client.login(email)
    page = client.get("/meetings/new")
    assert page.status_code == 200
    with app.app_context():
        template = db.session.scalar(select(MeetingTemplate).where(MeetingTemplate.builtin_key == "house_meeting"))
        template_id = template.id
    response = client.post_form(
        "/meetings/new",
        {
            "template_id": template_id,
            "title": "Réunion d'appartement chez Mme Diallo",
            "day": "2030-03-12",
            "start_time": "18:30",
            "duration_minutes": "90",
            "place": "12 bis rue Joffre",
        },
    )
    assert response.status_code == 302
    meeting_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    html = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    # 18:30 Paris time is stored in UTC and shown back in local time; items follow each other.
    times = re.findall(r'data-testid="item-time">(\d\d:\d\d)<', html)
    assert times == ["18:30", "18:40", "18:45", "19:05", "19:15", "19:40", "19:55"]
    assert "Sign-in" in html and "The ask" in html
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert services.as_utc(meeting.starts_at) == datetime(2030, 3, 12, 17, 30, tzinfo=UTC)


def test_overrun_warning_on_page(client, make_user, make_meeting):
    _uid, email = make_user("organizer")
    client.login(email)
    meeting_id = make_meeting(items=[("Accueil", 30), ("Débat", 70)], duration_minutes=90)
    html = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert 'data-testid="overrun"' in html and "10 min" in html
    fits = make_meeting(items=[("Accueil", 30), ("Débat", 60)], duration_minutes=90)
    assert 'data-testid="overrun"' not in client.get(f"/meetings/{fits}").get_data(as_text=True)


def test_move_and_reorder_keep_positions_consistent(app, client, make_user, make_meeting):
    _uid, email = make_user("leader")
    client.login(email)
    meeting_id = make_meeting(items=[("A", 5), ("B", 5), ("C", 5), ("D", 5)])
    with app.app_context():
        ids = {item.title: item.id for item in db.session.scalars(select(AgendaItem))}
    client.post_form(f"/meetings/{meeting_id}/items/{ids['C']}/move", {"direction": "up"})
    assert _positions(app, meeting_id) == [(1, "A"), (2, "C"), (3, "B"), (4, "D")]
    client.post_form(f"/meetings/{meeting_id}/items/{ids['A']}/move", {"direction": "up"})  # already first
    assert _positions(app, meeting_id) == [(1, "A"), (2, "C"), (3, "B"), (4, "D")]
    order = ",".join(str(ids[t]) for t in "DBAC")
    response = client.post_form(
        f"/meetings/{meeting_id}/items/reorder", {"order": order}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 200 and response.json["order"] == [ids[t] for t in "DBAC"]
    assert _positions(app, meeting_id) == [(1, "D"), (2, "B"), (3, "A"), (4, "C")]
    # An order that does not list every item once is refused and changes nothing.
    bad = client.post_form(
        f"/meetings/{meeting_id}/items/reorder",
        {"order": f"{ids['A']},{ids['A']},{ids['B']},{ids['C']}"},
        headers={"Accept": "application/json"},
    )
    assert bad.status_code == 409
    client.post_form(f"/meetings/{meeting_id}/items/{ids['B']}/delete")
    assert _positions(app, meeting_id) == [(1, "D"), (2, "A"), (3, "C")]


def test_validation_error_is_redisplayed(client, make_user, make_meeting):
    _uid, email = make_user("organizer")
    client.login(email)
    response = client.post_form("/meetings/new", {"title": "", "day": "2030-02-30", "start_time": "18:30"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'class="form-errors"' in html
    meeting_id = make_meeting()
    response = client.post_form(
        f"/meetings/{meeting_id}/items", {"title": "Tour de table", "minutes": "-3", "kind": "discussion"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'value="Tour de table"' in html and 'aria-invalid="true"' in html


def test_concurrent_edit_is_a_conflict(app, client, make_user, make_meeting):
    _uid, email = make_user("organizer")
    client.login(email)
    meeting_id = make_meeting(place="Salle des fêtes")
    form = {
        "title": "Réunion d'équipe",
        "day": "2030-03-12",
        "start_time": "18:30",
        "duration_minutes": "90",
        "place": "Local de l'union",
        "version": "1",
    }
    assert client.post_form(f"/meetings/{meeting_id}/details", form).status_code == 302
    form["place"] = "Chez Hélène"
    response = client.post_form(f"/meetings/{meeting_id}/details", form)  # still version 1
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Local de l&#39;union" in html and "Chez Hélène" in html
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).place == "Local de l'union"
    stale_minutes = client.post_form(f"/meetings/{meeting_id}/minutes", {"minutes": "x", "version": "1"})
    assert stale_minutes.status_code == 409


def test_attendees_and_attendance(app, client, make_user, make_meeting, make_resident):
    uid, email = make_user("organizer")
    client.login(email)
    meeting_id = make_meeting()
    rid = make_resident("Hélène", "Dupont")
    blocked = make_resident("Paul", "Refus", do_not_contact=True)
    html = client.get(f"/meetings/{meeting_id}?resident_q=helene").get_data(as_text=True)
    assert "Hélène Dupont" in html
    client.post_form(f"/meetings/{meeting_id}/attendees", {"resident_id": rid})
    client.post_form(f"/meetings/{meeting_id}/attendees", {"resident_id": blocked})
    client.post_form(f"/meetings/{meeting_id}/attendees", {"user_id": uid})
    response = client.post_form(
        f"/meetings/{meeting_id}/attendance",
        {f"rsvp-resident-{rid}": "yes", f"attended-resident-{rid}": "y", f"rsvp-user-{uid}": "maybe"},
    )
    assert response.status_code == 302
    with app.app_context():
        meeting = services.load_meeting(meeting_id)
        assert [(r.resident_id, r.rsvp, r.attended) for r in meeting.resident_attendees] == [(rid, "yes", True)]
        assert [(u.user_id, u.rsvp, u.attended) for u in meeting.user_attendees] == [(uid, "maybe", False)]
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "meeting.attendance"))


def test_permissions(client, make_user, make_meeting, app):
    meeting_id = make_meeting()
    _cid, canvasser = make_user("canvasser")
    client.login(canvasser)
    assert client.get("/meetings/new").status_code == 403
    # A meeting they are not invited to answers like one that does not exist (no existence oracle).
    assert client.get(f"/meetings/{meeting_id}").status_code == 404
    assert client.get(f"/meetings/{meeting_id + 1000}").status_code == 404
    assert client.post_form(f"/meetings/{meeting_id}/items", {"title": "x", "minutes": "5"}).status_code == 403
    assert client.get("/meetings/templates").status_code == 403
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        services.add_user_attendee(meeting, _cid)
        db.session.commit()
    # A canvasser invited to the meeting reads it, without the editing forms.
    page = client.get(f"/meetings/{meeting_id}")
    assert page.status_code == 200 and "Move up" not in page.get_data(as_text=True)
    assert "Réunion d&#39;équipe" in client.get("/meetings/").get_data(as_text=True)
    assert client.get(f"/meetings/{meeting_id}/sign-in.pdf").status_code == 403
    client.post_form("/logout")
    assert client.get(f"/meetings/{meeting_id}").status_code == 302


def test_list_shows_upcoming_first(client, make_user, make_meeting):
    _uid, email = make_user("leader")
    client.login(email)
    make_meeting("Bilan de l'action", starts_at=datetime(2020, 5, 1, 18, tzinfo=UTC))
    make_meeting("Réunion plus tard", starts_at=datetime(2031, 5, 1, 18, tzinfo=UTC))
    make_meeting("Réunion bientôt", starts_at=datetime(2030, 5, 1, 18, tzinfo=UTC))
    html = client.get("/meetings/").get_data(as_text=True)
    assert html.index("Réunion bientôt") < html.index("Réunion plus tard") < html.index("Bilan de l&#39;action")


def test_resident_timeline_lists_meetings(app, make_user, make_meeting, make_resident):
    from organizer.auth.models import User
    from organizer.residents.timeline import timeline_for

    uid, _email = make_user("organizer")
    cid, _c = make_user("canvasser")
    rid = make_resident("Hélène", "Dupont")
    meeting_id = make_meeting("Réunion d'appartement")
    with app.test_request_context():
        meeting = db.session.get(Meeting, meeting_id)
        services.add_resident_attendee(meeting, rid, rsvp="yes").attended = True
        db.session.commit()
        entries = [e for e in timeline_for(rid, db.session.get(User, uid)) if e.kind == "meeting"]
        assert [(e.title, e.detail) for e in entries] == [("Réunion d'appartement", "came")]
        assert not [e for e in timeline_for(rid, db.session.get(User, cid)) if e.kind == "meeting"]


def test_meeting_page_queries_do_not_grow_with_the_meeting(app, client, make_user, make_meeting, make_resident):
    from sqlalchemy import event

    from organizer.meetings import commitments

    uid, email = make_user("organizer")
    client.login(email)

    def build(n):
        meeting_id = make_meeting(f"Réunion {n}", template_key="campaign_planning", items=[("Point", 5)] * n)
        residents = [make_resident(f"Personne{i}", f"N{n}") for i in range(n)]
        with app.app_context():
            meeting = db.session.get(Meeting, meeting_id)
            for rid in residents:
                services.add_resident_attendee(meeting, rid, rsvp="yes")
                commitments.add_action_item(meeting, "Appeler", resident_id=rid)
            services.add_user_attendee(meeting, uid)
            db.session.commit()
        return meeting_id

    def count(meeting_id):
        statements = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get(f"/meetings/{meeting_id}").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    small, large = build(1), build(8)
    assert count(large) == count(small)
