"""Reminder call lists: who is on them, the split among callers, one-tap outcomes and what they change."""

import io

from pypdf import PdfReader
from sqlalchemy import select

from organizer.audit.models import AuditEvent
from organizer.campaigns.models import Action, Attendee
from organizer.conversations.models import Commitment
from organizer.extensions import db
from organizer.residents import services as residents
from organizer.residents.models import Resident
from organizer.turnout.models import ReminderCall


def _people(app, world):
    """Six residents on the action: two brought by the leader, one do-not-contact, one who said no."""
    with app.app_context():
        action = db.session.get(Action, world["action"])
        made = {}
        for first, last, extra, rsvp in [
            ("Amel", "Bensaïd", {"point_person_id": world["leader_id"]}, None),
            ("Bruno", "Caron", {"point_person_id": world["leader_id"]}, "yes"),
            ("Chloé", "Dupont", {}, "maybe"),
            ("Denis", "Evrard", {}, None),
            ("Élise", "Faure", {"do_not_contact": True}, "yes"),
            ("Farid", "Gomez", {}, "no"),
        ]:
            resident = residents.create_resident(
                {"first_name": first, "last_name": last, "phone": "0612345678", "data_source": "porte-à-porte"}
            )
            for key, value in extra.items():
                setattr(resident, key, value)
            db.session.add(Attendee(action_id=action.id, resident_id=resident.id, rsvp=rsvp, consent=True))
            made[first] = resident.id
        db.session.commit()
        return made


def test_list_is_split_each_caller_their_own_people_first_never_do_not_contact(app, client, world):
    people = _people(app, world)
    client.login(world["organizer"])
    url = f"/turnout/action/{world['action']}/calls"
    response = client.post_form(url, {"caller": [str(world["leader_id"]), str(world["canvasser_id"])]})
    assert response.status_code == 302
    with app.app_context():
        rows = {r.resident_id: r.caller_id for r in db.session.scalars(select(ReminderCall))}
    # Invited, yes and maybe: Amel, Bruno, Chloé, Denis; never Élise (do not contact) nor Farid (said no).
    assert set(rows) == {people[name] for name in ("Amel", "Bruno", "Chloé", "Denis")}
    assert rows[people["Amel"]] == rows[people["Bruno"]] == world["leader_id"]
    # The rest is shared so both callers have two calls.
    assert rows[people["Chloé"]] == rows[people["Denis"]] == world["canvasser_id"]
    page = client.get(url).get_data(as_text=True)
    assert "Amel Bensaïd" in page and "Élise" not in page and "Farid" not in page


def test_one_tap_outcomes_feed_the_rsvp_commitments_and_turnout(app, client, world):
    people = _people(app, world)
    client.login(world["organizer"])
    client.post_form(f"/turnout/action/{world['action']}/calls", {"caller": [str(world["canvasser_id"])]})
    client.post_form("/logout")
    client.login(world["canvasser"])
    mine = client.get(f"/turnout/action/{world['action']}/calls/mine").get_data(as_text=True)
    assert "Amel Bensaïd" in mine and 'href="tel:+33612345678"' in mine and "Délégation chez le bailleur" in mine
    with app.app_context():
        calls = {r.resident_id: (r.id, r.version) for r in db.session.scalars(select(ReminderCall))}

    def tap(name, outcome, **extra):
        call_id, version = calls[people[name]]
        data = {"outcome": outcome, "version": str(version), **extra}
        return client.post_form(f"/turnout/calls/{call_id}", data)

    assert tap("Amel", "coming", bringing="2", note="Vient avec sa sœur").status_code == 303
    tap("Chloé", "not_coming")
    tap("Denis", "do_not_call")
    tap("Bruno", "no_answer")
    with app.app_context():
        rsvp = dict(db.session.execute(select(Attendee.resident_id, Attendee.rsvp)).all())
        assert rsvp[people["Amel"]] == "yes" and rsvp[people["Chloé"]] == "no" and rsvp[people["Bruno"]] == "yes"
        [commitment] = db.session.scalars(select(Commitment)).all()
        assert commitment.from_resident_id == people["Amel"]
        assert commitment.what == "Come to Délégation chez le bailleur and bring 2 person(s)"
        assert commitment.source_type == "action" and commitment.owner_id == world["canvasser_id"]
        assert db.session.get(Resident, people["Denis"]).do_not_contact
        assert db.session.scalar(select(ReminderCall.note).where(ReminderCall.resident_id == people["Amel"])) == (
            "Vient avec sa sœur"
        )
        outcomes = [
            e.details["outcome"]
            for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == "turnout.call"))
        ]
        assert sorted(outcomes) == ["coming", "do_not_call", "no_answer", "not_coming"]
    # Denis asked not to be called: he leaves the list. Turnout: Amel + 2 she brings + Bruno (yes, Élise too).
    mine = client.get(f"/turnout/action/{world['action']}/calls/mine").get_data(as_text=True)
    assert "Denis" not in mine
    figures = client.get(f"/turnout/actions/{world['action']}/turnout.json").get_json()
    assert figures["confirmed"] == 5 and figures["maybe"] == 0
    # A stale form (someone else called meanwhile) is refused with a message, not saved over.
    call_id, version = calls[people["Amel"]]
    stale = client.post_form(f"/turnout/calls/{call_id}", {"outcome": "not_coming", "version": str(version)})
    assert stale.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Attendee.rsvp).where(Attendee.resident_id == people["Amel"])) == "yes"


def test_caller_sees_only_their_part_and_cannot_record_anothers(app, client, world, make_user):
    _people(app, world)
    client.login(world["organizer"])
    client.post_form(f"/turnout/action/{world['action']}/calls", {"caller": [str(world["leader_id"])]})
    client.post_form("/logout")
    client.login(world["canvasser"])
    mine = client.get(f"/turnout/action/{world['action']}/calls/mine").get_data(as_text=True)
    assert "Amel" not in mine
    assert client.get(f"/turnout/action/{world['action']}/calls/mine?caller={world['leader_id']}").status_code == 200
    assert "Amel" not in client.get(
        f"/turnout/action/{world['action']}/calls/mine?caller={world['leader_id']}"
    ).get_data(as_text=True)
    with app.app_context():
        call_id = db.session.scalar(select(ReminderCall.id))
    assert client.post_form(f"/turnout/calls/{call_id}", {"outcome": "coming"}).status_code == 404
    assert client.get(f"/turnout/action/{world['action']}/calls").status_code == 403


def test_printed_call_sheet_has_names_script_and_no_do_not_contact(app, client, world):
    _people(app, world)
    client.login(world["organizer"])
    client.post_form(f"/turnout/action/{world['action']}/calls", {"caller": [str(world["leader_id"])]})
    response = client.get(f"/turnout/action/{world['action']}/calls/sheet.pdf?all=1")
    assert response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Call sheet" in text and "Julien Leader" in text and "Amel Bensaïd" in text and "+33612345678" in text
    assert "Élise" not in text and "Can we count on you?" in text
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "turnout.call_sheet"))


def test_meeting_call_list_from_invited_residents(app, client, world):
    from datetime import UTC, datetime, timedelta

    from organizer.meetings.models import Meeting, MeetingResident

    with app.app_context():
        meeting = Meeting(
            title="Réunion de locataires", starts_at=datetime.now(UTC) + timedelta(days=2), place="Salle B"
        )
        db.session.add(meeting)
        invited = residents.create_resident({"first_name": "Inès", "last_name": "Morel", "data_source": "réunion"})
        objector = residents.create_resident(
            {"first_name": "Omar", "last_name": "Petit", "data_source": "réunion", "do_not_contact": True}
        )
        db.session.flush()
        db.session.add_all(
            [
                MeetingResident(meeting_id=meeting.id, resident_id=invited.id, rsvp="invited"),
                MeetingResident(meeting_id=meeting.id, resident_id=objector.id, rsvp="yes"),
            ]
        )
        db.session.commit()
        meeting_id, invited_id = meeting.id, invited.id
    client.login(world["organizer"])
    assert "Reminder calls" in client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    client.post_form(f"/turnout/meeting/{meeting_id}/calls", {"caller": [str(world["organizer_id"])]})
    mine = client.get(f"/turnout/meeting/{meeting_id}/calls/mine").get_data(as_text=True)
    assert "Inès Morel" in mine and "Omar" not in mine and "Réunion de locataires" in mine
    with app.app_context():
        call_id = db.session.scalar(select(ReminderCall.id))
    client.post_form(f"/turnout/calls/{call_id}", {"outcome": "maybe"})
    with app.app_context():
        assert db.session.get(MeetingResident, (meeting_id, invited_id)).rsvp == "maybe"


def test_evaluation_shows_confirmed_against_who_came(app, client, world):
    people = _people(app, world)
    with app.app_context():
        for attendee in db.session.scalars(select(Attendee).where(Attendee.resident_id == people["Bruno"])):
            attendee.attended = True
        db.session.commit()
    client.login(world["organizer"])
    page = client.get(f"/campaigns/actions/{world['action']}").get_data(as_text=True)
    # Bruno and Élise said yes (her objection stops calls and e-mail, not her RSVP); Bruno came.
    assert 'data-testid="turnout-confirmed" data-field="confirmed">2<' in page
    assert "Confirmed 2, came 1." in page and "50 % of those who confirmed came." in page


def test_my_calls_menu_lists_upcoming_lists_with_my_calls(app, client, world):
    _people(app, world)
    client.login(world["organizer"])
    client.post_form(f"/turnout/action/{world['action']}/calls", {"caller": [str(world["canvasser_id"])]})
    assert "No reminder calls for you right now." in client.get("/turnout/calls").get_data(as_text=True)
    client.post_form("/logout")
    client.login(world["canvasser"])
    page = client.get("/turnout/calls").get_data(as_text=True)
    assert f"/turnout/action/{world['action']}/calls/mine" in page and "Délégation chez le bailleur" in page


def test_home_panel_and_resident_timeline_show_the_calls(app, client, world):
    people = _people(app, world)
    client.login(world["organizer"])
    client.post_form(f"/turnout/action/{world['action']}/calls", {"caller": [str(world["organizer_id"])]})
    home = client.get("/").get_data(as_text=True)
    assert "Calls to make" in home and "Délégation chez le bailleur (4)" in home
    with app.app_context():
        call = db.session.scalar(select(ReminderCall).where(ReminderCall.resident_id == people["Chloé"]))
        call_id, version = call.id, call.version
    client.post_form(f"/turnout/calls/{call_id}", {"outcome": "maybe", "note": "Garde d'enfants", "version": version})
    assert "Délégation chez le bailleur (3)" in client.get("/").get_data(as_text=True)
    page = client.get(f"/residents/{people['Chloé']}").get_data(as_text=True)
    assert "Reminder call: Délégation chez le bailleur" in page and "Maybe · Garde d&#39;enfants" in page


def test_new_round_the_day_before_reopens_coming_maybe_and_no_answer(app, client, world):
    people = _people(app, world)
    client.login(world["organizer"])
    url = f"/turnout/action/{world['action']}/calls"
    client.post_form(url, {"caller": [str(world["organizer_id"])]})
    with app.app_context():
        calls = {r.resident_id: (r.id, r.version) for r in db.session.scalars(select(ReminderCall))}
    for name, outcome in (
        ("Amel", "coming"),
        ("Bruno", "no_answer"),
        ("Chloé", "not_coming"),
        ("Denis", "wrong_number"),
    ):
        call_id, version = calls[people[name]]
        client.post_form(f"/turnout/calls/{call_id}", {"outcome": outcome, "version": version, "bringing": "1"})
    client.post_form(url, {"round": "new"})
    with app.app_context():
        rows = {r.resident_id: r for r in db.session.scalars(select(ReminderCall))}
        assert (rows[people["Amel"]].outcome, rows[people["Amel"]].previous_outcome) == (None, "coming")
        assert rows[people["Amel"]].round == 2 and rows[people["Amel"]].bringing == 1
        assert rows[people["Bruno"]].outcome is None
        assert rows[people["Chloé"]].outcome == "not_coming" and rows[people["Denis"]].outcome == "wrong_number"
        # The RSVP and the commitment stay while they are called again.
        assert db.session.scalar(select(Attendee.rsvp).where(Attendee.resident_id == people["Amel"])) == "yes"
    mine = client.get(f"{url}/mine").get_data(as_text=True)
    assert "Last time: Coming · brings 1" in mine
