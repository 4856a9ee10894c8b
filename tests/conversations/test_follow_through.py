"""Follow-ups ordering, marking done from the list, issue merge, the ladder with its evidence."""

from datetime import date, timedelta

from sqlalchemy import select

from organizer.auth.models import User
from organizer.conversations import services
from organizer.conversations.models import (
    Commitment,
    DoorKnock,
    Issue,
    OneOnOne,
    StageChange,
    door_knock_issues,
    one_on_one_issues,
)
from organizer.extensions import db
from organizer.residents.models import Resident, resident_issues


def test_follow_ups_overdue_then_this_week_then_later(app, client, make_user, people):
    user_id, email = make_user("canvasser", name="Léa")
    other_id, _other = make_user("organizer")
    today = date.today()
    with app.app_context():
        user = db.session.get(User, user_id)
        for what, days in [("later one", 30), ("week one", 3), ("overdue one", -2), ("no date", None)]:
            services.save_commitment(
                None,
                {
                    "from_resident_id": people["helene"],
                    "what": what,
                    "owner_id": user_id,
                    "due_on": today + timedelta(days=days) if days is not None else None,
                },
                user,
            )
        services.save_commitment(
            None, {"from_resident_id": people["karim"], "what": "not mine", "owner_id": other_id}, user
        )
        done = services.save_commitment(
            None, {"from_resident_id": people["karim"], "what": "already kept", "owner_id": user_id}, user
        )
        services.set_commitment_status(done, "done")
        db.session.commit()
        overdue_id = db.session.scalar(select(Commitment.id).where(Commitment.what == "overdue one"))
    client.login(email)
    page = client.get("/conversations/follow-ups").get_data(as_text=True)
    positions = [page.index(text) for text in ("overdue one", "week one", "later one", "no date")]
    assert positions == sorted(positions)
    assert page.index('data-testid="follow-overdue"') < positions[0] < page.index('data-testid="follow-week"')
    assert page.index('data-testid="follow-later"') < positions[2]
    assert "not mine" not in page and "already kept" not in page
    # Marking done from the list.
    response = client.post_form(f"/conversations/commitments/{overdue_id}/status", {"status": "done"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "“overdue one”: Done." in page
    assert f'data-testid="done-{overdue_id}"' not in page and 'data-testid="follow-overdue"' not in page
    with app.app_context():
        commitment = db.session.get(Commitment, overdue_id)
        assert commitment.status == "done" and commitment.done_at is not None


def test_one_on_one_follow_up_dates_listed(app, client, make_user, people):
    user_id, email = make_user("organizer")
    with app.app_context():
        user = db.session.get(User, user_id)
        due = date.today() + timedelta(days=2)
        data = {"resident_id": people["maria"], "met_on": date.today(), "follow_up_on": due}
        services.save_one_on_one(None, data, [], user)
        db.session.commit()
    client.login(email)
    page = client.get("/conversations/follow-ups").get_data(as_text=True)
    assert 'data-testid="follow-meetings"' in page and "María Gómez" in page


def test_doors_asking_for_follow_up_until_knocked_again(app, client, make_user, people, assign):
    user_id, email = make_user("canvasser")
    assign(user_id, people["turf"])
    with app.app_context():
        user = db.session.get(User, user_id)
        services.log_door_knock(
            household_id=people["h_in"], canvasser=user, resident_id=people["helene"], result="talked", follow_up=True
        )
        db.session.commit()
    client.login(email)
    page = client.get("/conversations/follow-ups").get_data(as_text=True)
    assert 'data-testid="follow-doors"' in page and "12  Rue des Lilas — Hélène Dupont" in page
    with app.app_context():
        services.log_door_knock(household_id=people["h_in"], canvasser=db.session.get(User, user_id), result="talked")
        db.session.commit()
    assert 'data-testid="follow-doors"' not in client.get("/conversations/follow-ups").get_data(as_text=True)


def test_merge_issues_moves_every_link(app, client, make_user, people):
    user_id, email = make_user("organizer")
    with app.app_context():
        user = db.session.get(User, user_id)
        loyers = services.get_or_create_issue("Loyers trop chers")
        loyer = services.get_or_create_issue("Loyer")
        knock = services.log_door_knock(
            household_id=people["h_in"], canvasser=user, result="talked", issues=[loyer, loyers]
        )
        meeting = services.save_one_on_one(
            None, {"resident_id": people["helene"], "met_on": date.today()}, [loyer], user
        )
        db.session.execute(resident_issues.insert().values(resident_id=people["karim"], issue_id=loyer.id))
        db.session.commit()
        ids = (loyer.id, loyers.id, knock.id, meeting.id)
    client.login(email)
    assert services.issue_key("Éclairage  Public") == "eclairage public"
    response = client.post_form("/conversations/issues/merge", {"merge-source_id": ids[0], "merge-target_id": ids[1]})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Issue, ids[0]) is None
        assert db.session.execute(select(door_knock_issues)).all() == [(ids[2], ids[1])]
        assert db.session.execute(select(one_on_one_issues)).all() == [(ids[3], ids[1])]
        assert db.session.execute(select(resident_issues)).all() == [(people["karim"], ids[1])]
    # Rename onto an existing name is refused; a fresh name works.
    response = client.post_form(f"/conversations/issues/{ids[1]}/rename", {f"r{ids[1]}-name": "Loyers élevés"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Issue, ids[1]).key == "loyers eleves"
        assert db.session.scalar(select(DoorKnock.id)) == ids[2]


def test_ladder_requires_evidence_and_keeps_history(app, client, make_user, people):
    _id, email = make_user("organizer", name="Nadia")
    client.login(email)
    url = f"/conversations/ladder/{people['helene']}"
    response = client.post_form(url, {"to_stage": "supporter", "evidence_kind": "other", "evidence": " "})
    assert response.status_code == 400
    assert "Say what justifies this move." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Resident, people["helene"]).leadership_stage == "contact"
    moves = [
        ("supporter", "kept_commitment", "Est venue à la réunion du 3 mars"),
        ("volunteer", "brought_people", "A amené 6 voisins à la réunion d'appartement"),
        ("leader", "hosted_house_meeting", "A accueilli une réunion d'appartement le 12 avril"),
    ]
    for stage, kind, evidence in moves:
        assert (
            client.post_form(url, {"to_stage": stage, "evidence_kind": kind, "evidence": evidence}).status_code == 302
        )
    page = client.get(url).get_data(as_text=True)
    for _stage, _kind, evidence in moves:
        assert evidence.replace("'", "&#39;") in page
    with app.app_context():
        history = db.session.execute(
            select(StageChange.from_stage, StageChange.to_stage).order_by(StageChange.id)
        ).all()
        assert history == [("contact", "supporter"), ("supporter", "volunteer"), ("volunteer", "leader")]
        assert db.session.get(Resident, people["helene"]).leadership_stage == "leader"


def test_canvasser_knocks_only_in_current_turfs(app, client, make_user, people, assign):
    user_id, email = make_user("canvasser")
    client.login(email)
    data = {"knocked_on": date.today().isoformat(), "result": "not_home"}
    # No turf yet: the door is out of reach, as if it did not exist (404, never 403).
    url = f"/conversations/door-knocks/new?household={people['h_in']}"
    assert client.post_form(url, {**data, "household_id": people["h_in"]}).status_code == 404
    assert client.get(url).status_code == 404
    assign(user_id, people["turf"], days=-1)  # expired yesterday
    assert client.post_form(url, {**data, "household_id": people["h_in"]}).status_code == 404
    assign(user_id, people["turf"], days=0)  # until today: still valid
    assert client.post_form(url, {**data, "household_id": people["h_in"]}).status_code == 302
    other = f"/conversations/door-knocks/new?household={people['h_out']}"
    assert client.post_form(other, {**data, "household_id": people["h_out"]}).status_code == 404
    with app.app_context():
        assert db.session.scalars(select(DoorKnock.household_id)).all() == [people["h_in"]]
        assert db.session.scalar(select(OneOnOne.id)) is None
