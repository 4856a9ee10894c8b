"""Actions: demands and answers, check-in, evaluation feeding the timeline and the power map."""

import re

from organizer.campaigns import services
from organizer.campaigns.models import Action
from organizer.extensions import db
from organizer.residents.models import Resident
from organizer.residents.normalize import name_key
from tests.campaigns.conftest import get_campaign


def _resident(app, first: str, last: str, **extra) -> int:
    with app.app_context():
        resident = Resident(
            first_name=first, last_name=last, name_key=name_key(first, last), data_source="test", **extra
        )
        db.session.add(resident)
        db.session.commit()
        return resident.id


def test_plan_an_action_with_demands_then_record_answers(app, client, campaign_world):
    w = campaign_world
    client.login(w["leader"])
    response = client.post_form(
        f"/campaigns/{w['campaign']}/actions/new",
        {
            "kind": "public_meeting",
            "title": "Assemblée des locataires",
            "starts_at": "2030-06-12T18:30",
            "ends_at": "2030-06-12T20:00",
            "place": "Salle Jean-Jaurès",
            "target_actor_id": str(w["landlord"]),
            "turnout_goal": "60",
            "demands-0-text": "Chaudière neuve avant l'hiver",
            "demands-0-answer": "no_answer",
            "demands-1-text": "",
            "demands-1-answer": "no_answer",
        },
    )
    assert response.status_code == 302
    action_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        action = services.load_action(action_id)
        # 18:30 in Paris in summer is 16:30 UTC.
        assert services.as_utc(action.starts_at).strftime("%H:%M") == "16:30"
        assert [d.text for d in action.demands] == ["Chaudière neuve avant l'hiver"]
        assert w["landlord"] in {link.actor_id for link in action.campaign.campaign_actors}
        version = action.version
    page = client.get(f"/campaigns/actions/{action_id}/edit").get_data(as_text=True)
    assert 'value="2030-06-12T18:30"' in page
    response = client.post_form(
        f"/campaigns/actions/{action_id}/edit",
        {
            "version": str(version),
            "kind": "public_meeting",
            "title": "Assemblée des locataires",
            "starts_at": "2030-06-12T18:30",
            "ends_at": "2030-06-12T20:00",
            "target_actor_id": str(w["landlord"]),
            "turnout_goal": "60",
            "demands-0-text": "Chaudière neuve avant l'hiver",
            "demands-0-answer": "partial",
            "demands-0-answer_note": "Au printemps seulement",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/campaigns/actions/{action_id}").get_data(as_text=True)
    assert "Partial" in page and "Au printemps seulement" in page
    # End before start is refused and shown.
    bad = client.post_form(
        f"/campaigns/actions/{action_id}/edit",
        {
            "version": str(version + 1),
            "kind": "rally",
            "title": "X",
            "starts_at": "2030-06-12T18:30",
            "ends_at": "2030-06-12T17:00",
        },
    )
    assert bad.status_code == 200
    assert "The end must come after the start." in bad.get_data(as_text=True)


def test_action_edit_conflict(app, client, campaign_world):
    w = campaign_world
    client.login(w["organizer"])
    with app.app_context():
        action = db.session.get(Action, w["action"])
        stale = action.version
        action.place = "Mairie annexe"
        db.session.commit()
    response = client.post_form(
        f"/campaigns/actions/{w['action']}/edit",
        {
            "version": str(stale),
            "kind": "delegation",
            "title": "Délégation",
            "starts_at": "2030-01-01T10:00",
            "place": "Siège du bailleur",
        },
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Mairie annexe" in page and "Siège du bailleur" in page
    with app.app_context():
        assert db.session.get(Action, w["action"]).place == "Mairie annexe"


def test_rsvp_check_in_and_walk_in(app, client, campaign_world):
    w = campaign_world
    amina = _resident(app, "Amina", "Haddad")
    _resident(app, "Amélie", "Hidden", do_not_contact=True)
    client.login(w["organizer"])
    url = f"/campaigns/actions/{w['action']}"
    page = client.get(url, query_string={"q": "ami"}).get_data(as_text=True)
    assert "Amina Haddad" in page
    assert "Amélie Hidden" not in page
    assert client.post_form(f"{url}/attendees", {"resident_id": str(amina), "rsvp": "yes"}).status_code == 302
    # A walk-in without consent is refused; with consent, checked in.
    refused = client.post_form(f"{url}/walk-in", {"walkin-name": "Paul Martin"}, follow_redirects=True)
    assert "Without their consent, count them but do not write their name." in refused.get_data(as_text=True)
    bad_phone = client.post_form(
        f"{url}/walk-in", {"walkin-name": "Sophie Roux", "walkin-phone": "abc", "walkin-consent": "y"}
    )
    assert bad_phone.status_code == 302
    client.post_form(
        f"{url}/walk-in", {"walkin-name": "Sophie Roux", "walkin-phone": "06 12 34 56 78", "walkin-consent": "y"}
    )
    with app.app_context():
        action = services.load_action(w["action"])
        assert sorted(a.display_name for a in action.attendees) == ["Amina Haddad", "Sophie Roux"]
        assert next(a for a in action.attendees if a.name == "Sophie Roux").phone == "+33612345678"
        assert services.rsvp_count(action) == 1
        assert services.actual_turnout(action) == 1
        amina_row = next(a for a in action.attendees if a.resident_id == amina)
    assert client.post_form(f"{url}/attendees/{amina_row.id}", {"op": "check_in"}).status_code == 302
    with app.app_context():
        assert services.actual_turnout(services.load_action(w["action"])) == 2
    page = client.get(url).get_data(as_text=True)
    assert "2 checked in, 1 said they would come, goal 20" in page
    assert client.post_form(f"{url}/attendees/{amina_row.id}", {"op": "undo"}).status_code == 302
    with app.app_context():
        assert services.actual_turnout(services.load_action(w["action"])) == 1


def test_evaluation_feeds_timeline_and_moves_the_power_map(app, client, campaign_world):
    w = campaign_world
    with app.app_context():
        campaign = get_campaign(w["campaign"])
        landlord_link = next(link for link in campaign.campaign_actors if link.actor_id == w["landlord"])
        link_id = landlord_link.id
        assert (landlord_link.influence, landlord_link.stance) == (4, -2)
        action = services.load_action(w["action"])
        services.add_walk_in(action, "Sophie Roux", phone=None, consent=True)
        db.session.commit()
    client.login(w["leader"])
    response = client.post_form(
        f"/campaigns/actions/{w['action']}/evaluation",
        {
            "eval_worked": "Témoignages forts des familles",
            "eval_did_not_work": "Trop peu de monde du bâtiment B",
            "commitments_won": "Visite technique le 3 mars",
            "lessons": "Relancer par téléphone la veille",
            f"influence-{link_id}": "4",
            f"stance-{link_id}": "0",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        campaign = get_campaign(w["campaign"])
        link = next(link for link in campaign.campaign_actors if link.id == link_id)
        assert link.stance == 0
        mayor_link = next(link for link in campaign.campaign_actors if link.actor_id == w["mayor"])
        assert mayor_link.stance == 2  # untouched
        action = campaign.actions[0]
        assert action.evaluated_at is not None
        assert [(c.old_stance, c.new_stance) for c in action.power_changes] == [(-2, 0)]
    page = client.get(f"/campaigns/{w['campaign']}").get_data(as_text=True)
    timeline = re.search(r'<ol class="timeline">.*?</ol>', page, re.S).group(0)
    assert "Visite technique le 3 mars" in timeline
    assert "Relancer par téléphone la veille" in timeline
    assert "turnout 1 of 20 expected" in timeline
    assert "Bailleur Habitat: stance -2 → 0, influence 4 → 4" in timeline
    # The power map moved the landlord to the neutral column.
    svg = re.search(rf'<g class="actor-point" data-actor-id="{w["landlord"]}"[^>]*>', page).group(0)
    assert 'data-stance="0"' in svg


def test_evaluation_refuses_out_of_range_moves(app, client, campaign_world):
    w = campaign_world
    with app.app_context():
        link_id = next(c.id for c in get_campaign(w["campaign"]).campaign_actors if c.actor_id == w["landlord"])
    client.login(w["organizer"])
    response = client.post_form(
        f"/campaigns/actions/{w['action']}/evaluation",
        {"lessons": "Gardé", f"stance-{link_id}": "7"},
    )
    assert response.status_code == 200
    assert "Gardé" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Action, w["action"]).evaluated_at is None


def test_target_of_an_action_joins_the_power_map(app, campaign_world):
    w = campaign_world
    with app.app_context():
        campaign = get_campaign(w["campaign"])
        school = services.save_actor(None, {"name": "Conseil d'école", "kind": "body", "influence": 2, "stance": 1})
        services.save_action(
            None,
            campaign,
            {
                "kind": "training",
                "title": "Formation",
                "starts_at": campaign.actions[0].starts_at,
                "target_actor_id": school.id,
            },
            [],
            by=db.session.get(services.User, w["organizer_id"]),
        )
        db.session.commit()
        link = next(link for link in get_campaign(w["campaign"]).campaign_actors if link.actor_id == school.id)
        assert (link.role, link.influence, link.stance) == ("other", 2, 1)


def test_evaluation_saved_by_someone_else_at_the_same_moment_is_not_overwritten(
    app, client, campaign_world, monkeypatch
):
    from sqlalchemy import text

    w = campaign_world
    original = services.evaluate

    def concurrent_save_first(action, data, moves):
        # Another request's UPDATE lands between our read and our write.
        db.session.execute(text("UPDATE actions SET version = version + 1 WHERE id = :id"), {"id": action.id})
        return original(action, data, moves)

    monkeypatch.setattr(services, "evaluate", concurrent_save_first)
    client.login(w["organizer"])
    response = client.post_form(f"/campaigns/actions/{w['action']}/evaluation", {"lessons": "Ma leçon"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "yours was not saved" in page and "Ma leçon" in page
    with app.app_context():
        assert db.session.get(Action, w["action"]).lessons is None
