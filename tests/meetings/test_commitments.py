"""Minutes' action items become Commitments; the commitments review pulls due and open ones."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from organizer.conversations.models import Commitment
from organizer.extensions import db
from organizer.meetings import commitments, services
from organizer.meetings.models import Meeting


def test_action_items_from_the_minutes_create_commitments(app, client, make_user, make_meeting, make_resident):
    uid, email = make_user("organizer", name="Nadia Benali")
    client.login(email)
    meeting_id = make_meeting()
    rid = make_resident("Hélène", "Dupont")
    client.post_form(f"/meetings/{meeting_id}/attendees", {"resident_id": rid})
    client.post_form(
        f"/meetings/{meeting_id}/minutes",
        {"minutes": "Tour de table, 9 présent·es.", "decisions": "Pétition au bailleur.", "version": "1"},
    )
    response = client.post_form(
        f"/meetings/{meeting_id}/actions", {"what": "Imprimer la pétition", "who": f"u:{uid}", "due_date": "2030-03-20"}
    )
    assert response.status_code == 302
    client.post_form(f"/meetings/{meeting_id}/actions", {"what": "Faire signer le 12", "who": f"r:{rid}"})
    # Invalid: nobody chosen; the form comes back with what was typed.
    bad = client.post_form(f"/meetings/{meeting_id}/actions", {"what": "Sans personne", "who": ""})
    assert bad.status_code == 400 and 'value="Sans personne"' in bad.get_data(as_text=True)
    with app.app_context():
        rows = db.session.scalars(select(Commitment).order_by(Commitment.id)).all()
        assert [(c.what, c.from_user_id, c.from_resident_id, c.due_on, c.status) for c in rows] == [
            ("Imprimer la pétition", uid, None, date(2030, 3, 20), "open"),
            ("Faire signer le 12", None, rid, None, "open"),
        ]
        assert {(c.source_type, c.source_id) for c in rows} == {("meeting", meeting_id)}
        assert rows[1].owner_id == uid  # the recorder follows up a resident's promise when there is no chair
        meeting = services.load_meeting(meeting_id)
        assert meeting.minutes == "Tour de table, 9 présent·es." and meeting.decisions == "Pétition au bailleur."
        action_id = meeting.action_items[0].id
    client.post_form(f"/meetings/{meeting_id}/actions/{action_id}/done", {"done": "y"})
    with app.app_context():
        assert db.session.scalar(select(Commitment).where(Commitment.what == "Imprimer la pétition")).status == "done"
    client.post_form(f"/meetings/{meeting_id}/actions/{action_id}/delete")
    with app.app_context():
        assert db.session.scalars(select(Commitment.what)).all() == ["Faire signer le 12"]


def test_review_pulls_due_and_open_commitments(app, client, make_user, make_meeting, make_resident):
    uid, email = make_user("leader", name="Julien Moreau")
    other_id, _ = make_user("organizer", name="Autre Personne")
    rid = make_resident("Hélène", "Dupont")
    stranger = make_resident("Marc", "Ailleurs")
    with app.app_context():
        from organizer.campaigns.models import Campaign

        rents, canteen = Campaign(name="Loyers", status="active"), Campaign(name="Cantine", status="active")
        db.session.add_all([rents, canteen])
        db.session.commit()
        rents_id, canteen_id = rents.id, canteen.id
    first = make_meeting("Comité loyers", starts_at=datetime(2030, 3, 1, 17, tzinfo=UTC), campaign_id=rents_id)
    earlier = make_meeting("Comité loyers", starts_at=datetime(2030, 2, 1, 17, tzinfo=UTC), campaign_id=rents_id)
    other_campaign = make_meeting(
        "Comité cantine", starts_at=datetime(2030, 3, 2, 17, tzinfo=UTC), campaign_id=canteen_id
    )
    current = make_meeting(
        "Planification",
        starts_at=datetime(2030, 3, 15, 17, tzinfo=UTC),
        campaign_id=rents_id,
        template_key="campaign_planning",
    )
    with app.app_context():
        get = lambda mid: db.session.get(Meeting, mid)  # noqa: E731
        commitments.add_action_item(get(first), "Relancer la mairie", user_id=other_id, due_date=date(2030, 3, 10))
        commitments.add_action_item(get(first), "Pour plus tard", user_id=other_id, due_date=date(2030, 4, 30))
        commitments.add_action_item(
            get(earlier), "Dû avant le dernier comité", user_id=other_id, due_date=date(2030, 2, 10)
        )
        commitments.add_action_item(get(other_campaign), "Autre campagne", user_id=other_id, due_date=date(2030, 3, 5))
        # Open follow-ups of the attendees, whatever their source (here a one-on-one).
        db.session.add(
            Commitment(from_resident_id=rid, what="Venir avec sa voisine", status="open", source_type="one_on_one")
        )
        db.session.add(Commitment(from_resident_id=stranger, what="Pas invité", status="open"))
        db.session.add(Commitment(from_user_id=uid, what="Déjà fait", status="done"))
        meeting = get(current)
        services.add_resident_attendee(meeting, rid)
        services.add_user_attendee(meeting, uid)
        db.session.commit()
        due, open_ = commitments.review(services.load_meeting(current))
    assert [(r.who, r.what) for r in due] == [("Autre Personne", "Relancer la mairie")]
    assert [r.what for r in open_] == ["Venir avec sa voisine"]
    client.login(email)
    html = client.get(f"/meetings/{current}").get_data(as_text=True)
    review = html[html.index("Commitments review") :]
    assert "Relancer la mairie" in review and "Venir avec sa voisine" in review
    assert "Autre campagne" not in html and "Pas invité" not in html and "Dû avant le dernier comité" not in html


def test_review_without_campaign_follows_the_title_series(app, make_user, make_meeting):
    uid, _ = make_user("organizer", name="Nadia")
    last = make_meeting("Réunion d'équipe", starts_at=datetime(2030, 3, 1, 17, tzinfo=UTC))
    make_meeting("Autre réunion", starts_at=datetime(2030, 3, 3, 17, tzinfo=UTC))
    current = make_meeting("Réunion d’ÉQUIPE ", starts_at=datetime(2030, 3, 8, 17, tzinfo=UTC))
    with app.app_context():
        commitments.add_action_item(
            db.session.get(Meeting, last), "Réserver la salle", user_id=uid, due_date=date(2030, 3, 7)
        )
        db.session.commit()
        assert commitments.previous_meeting(db.session.get(Meeting, current)).id == last
        due, _open = commitments.review(services.load_meeting(current))
    assert [r.what for r in due] == ["Réserver la salle"]
