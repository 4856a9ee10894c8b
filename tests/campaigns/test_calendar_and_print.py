"""The iCalendar feed and .ics files (parsed back with icalendar), and the campaign's one-page PDF."""

import io
import re
from datetime import UTC, datetime, timedelta

from icalendar import Calendar
from pypdf import PdfReader
from sqlalchemy import select

from organizer.audit.models import AuditEvent
from organizer.auth.models import User
from organizer.campaigns import calendar, services
from organizer.campaigns.models import Action, CalendarToken
from organizer.extensions import db
from organizer.kernel.contributions import REGISTRY_KEY


def _feed_url(client) -> str:
    page = client.post_form("/campaigns/calendar/new").get_data(as_text=True)
    return re.search(r'value="(http[^"]+\.ics)"[^>]*data-testid="feed-url"', page).group(1)


def test_calendar_feed_parses_back_and_revocation_refuses_it(app, client, campaign_world):
    w = campaign_world
    client.login(w["canvasser"])
    url = _feed_url(client)
    path = url.split("localhost", 1)[1]
    token = path.rsplit("/", 1)[1].removesuffix(".ics")
    with app.app_context():
        stored = db.session.scalar(select(CalendarToken))
        assert stored.token_hash != token and token not in stored.token_hash  # only a hash is kept

    anonymous = app.test_client()
    response = anonymous.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    cal = Calendar.from_ical(response.data)
    assert cal["VERSION"] == "2.0" and cal.get("PRODID")
    events = cal.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    with app.app_context():
        action = db.session.get(Action, w["action"])
        expected_start = services.as_utc(action.starts_at)
        expected_end = services.as_utc(action.ends_at)
    assert str(event["SUMMARY"]) == "Délégation chez le bailleur"
    assert str(event["LOCATION"]) == "12 rue de la Gare"
    assert event.decoded("DTSTART") == expected_start
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert event.decoded("DTEND") == expected_end
    assert str(event["UID"]) == f"action-{w['action']}@organizer.invalid"
    assert event.get("DTSTAMP") is not None
    assert int(event["SEQUENCE"]) == 0
    assert str(event["URL"]).endswith(f"/campaigns/actions/{w['action']}")
    assert "Un calendrier des travaux" in str(event["DESCRIPTION"])
    with app.app_context():
        assert db.session.scalar(select(CalendarToken)).last_used_at is not None

    # A wrong token is a 404, and so is a revoked one.
    assert anonymous.get("/campaigns/calendar/not-a-token.ics").status_code == 404
    with app.app_context():
        token_id = db.session.scalar(select(CalendarToken.id))
    assert client.post_form(f"/campaigns/calendar/{token_id}/revoke").status_code == 302
    assert anonymous.get(path).status_code == 404


def test_someone_else_cannot_revoke_my_feed(app, client, campaign_world):
    w = campaign_world
    client.login(w["canvasser"])
    _feed_url(client)
    with app.app_context():
        token_id = db.session.scalar(select(CalendarToken.id))
    other = app.test_client()
    other.login(w["organizer"])
    assert other.post_form(f"/campaigns/calendar/{token_id}/revoke").status_code == 404
    with app.app_context():
        assert db.session.get(CalendarToken, token_id).revoked_at is None


def test_calendar_sources_registry_feeds_other_records(app, campaign_world, monkeypatch):
    added = calendar.CalendarEntry(
        uid="meeting-7@organizer.invalid",
        summary="Réunion du bureau",
        starts_at=datetime(2030, 3, 1, 18, 0, tzinfo=UTC),
    )

    def meetings(user, since):
        return [added]

    registry = app.extensions[REGISTRY_KEY]
    monkeypatch.setattr(registry, "calendar", (*registry.calendar, meetings))
    with app.test_request_context():
        user = db.session.get(User, campaign_world["organizer_id"])
        cal = Calendar.from_ical(calendar.feed_for(user))
    uids = sorted(str(event["UID"]) for event in cal.walk("VEVENT"))
    # (No council meeting in this world: the directory's source adds nothing.)
    assert uids == sorted([f"action-{campaign_world['action']}@organizer.invalid", "meeting-7@organizer.invalid"])
    meeting = next(e for e in cal.walk("VEVENT") if str(e["UID"]).startswith("meeting"))
    # No end given: two hours by default.
    assert meeting.decoded("DTEND") - meeting.decoded("DTSTART") == timedelta(hours=2)


def test_ics_download_per_action(client, campaign_world):
    w = campaign_world
    client.login(w["canvasser"])
    response = client.get(f"/campaigns/actions/{w['action']}.ics")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Délégation chez le bailleur"]
    assert client.get("/campaigns/actions/9999.ics").status_code == 404


def test_campaign_pdf_has_chart_and_power_map(app, client, campaign_world):
    w = campaign_world
    client.login(w["canvasser"])
    response = client.get(f"/campaigns/{w['campaign']}/print.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for expected in [
        "Rénovation des Acacias",
        "Long-term goals",
        "Des logements dignes",
        "Locataires des Acacias",
        "Primary target",
        "Bailleur Habitat",
        "Power map",
        "Mme la Maire",
    ]:
        assert expected in text, expected
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "campaign.print")).all()
        assert [(e.target_type, e.target_id) for e in events] == [("campaigns", w["campaign"])]


def test_council_meetings_are_in_the_feed(app, campaign_world):
    with app.app_context():
        services.save_local_body(
            None,
            {"level": "commune", "name": "Mont-Bonvillers", "address": "Mairie"},
            [services.MeetingRow(starts_at=datetime(2030, 2, 5, 18, 0, tzinfo=UTC), title="Conseil municipal")],
        )
        db.session.commit()
    with app.test_request_context():
        user = db.session.get(User, campaign_world["organizer_id"])
        cal = Calendar.from_ical(calendar.feed_for(user))
    meeting = next(e for e in cal.walk("VEVENT") if str(e["UID"]).startswith("council-meeting-"))
    assert str(meeting["SUMMARY"]) == "Conseil municipal · Mont-Bonvillers"
    assert meeting.decoded("DTSTART") == datetime(2030, 2, 5, 18, 0, tzinfo=UTC)
    assert str(meeting["LOCATION"]) == "Mairie"
