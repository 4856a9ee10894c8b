"""Reminders the day before and the morning of, "I can't come any more", unsubscribe; objections respected."""

import json
import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from organizer.campaigns.models import Action, Attendee
from organizer.extensions import db
from organizer.residents import services as residents
from organizer.residents.models import Resident
from organizer.turnout import reminders
from tests.conftest import CSRF_PATTERN
from tests.turnout.smtp import attachments, bodies
from tests.turnout.test_signup import public_form

PARIS = ZoneInfo("Europe/Paris")


def _move_action(app, action_id: int, local: datetime) -> None:
    with app.app_context():
        db.session.get(Action, action_id).starts_at = local.astimezone(ZoneInfo("UTC"))
        db.session.commit()


def _tomorrow_evening() -> datetime:
    return datetime.combine(datetime.now(PARIS).date() + timedelta(days=1), time(18, 30), tzinfo=PARIS)


def _sign_up_three(app, client, published):
    """Fatima (French, e-mail), Sam (English, e-mail, will unsubscribe), Paul (objected earlier)."""
    with app.app_context():
        residents.create_resident(
            {
                "first_name": "Paul",
                "last_name": "Roux",
                "email": "paul@example.org",
                "data_source": "porte-à-porte",
                "do_not_contact": True,
            }
        )
        db.session.commit()
    client.post("/language", data={"lang": "fr", "next": published, "csrf_token": client.csrf_token()})
    public_form(client, published, email="fatima@example.org")
    public_form(client, published, first_name="Paul", last_name="Roux", email="paul@example.org")
    english = app.test_client()
    english.post("/language", data={"lang": "en", "next": published, "csrf_token": english.csrf_token()})
    public_form(english, published, first_name="Sam", last_name="Martin", email="sam@example.org")


def test_day_before_reminder_by_cron_once_in_each_language_never_to_objectors(
    app, client, runner, world, published, smtp
):
    _move_action(app, world["action"], _tomorrow_evening())
    _sign_up_three(app, client, published)
    confirmations = len(smtp.collector.messages)
    assert confirmations == 2  # Fatima and Sam; Paul objected
    dry = runner.invoke(args=["reminders", "send", "--dry-run", "--json"])
    assert json.loads(dry.output)["reminders"] == {"day_before": 2, "morning_of": 0}
    assert len(smtp.collector.messages) == confirmations  # a dry run sends nothing
    result = json.loads(runner.invoke(args=["reminders", "send", "--json"]).output)
    assert result["reminders"]["day_before"] == 2 and result["mail"]["sent"] == 2
    [fatima] = [m for m in smtp.collector.to("fatima@example.org") if m["Subject"].startswith("Demain")]
    assert fatima["Subject"] == "Demain : Délégation chez le bailleur"
    text, html = bodies(fatima)
    assert "c’est demain" in text and "à 18:30" in text
    assert "contact@union.example" in text and "/r/unsubscribe/" in html and "/r/cancel/" in html
    assert "action-" in next(iter(attachments(fatima)))
    [sam] = [m for m in smtp.collector.to("sam@example.org") if m["Subject"].startswith("Tomorrow")]
    assert "it is tomorrow" in bodies(sam)[0] and sam["Content-Language"] == "en"
    assert smtp.collector.to("paul@example.org") == []
    # Cron runs again: nothing new.
    again = json.loads(runner.invoke(args=["reminders", "send", "--json"]).output)
    assert again["reminders"] == {"day_before": 0, "morning_of": 0}
    text_output = runner.invoke(args=["reminders", "send"]).output
    assert "queued 0 day-before and 0 morning-of" in text_output


def test_cancel_link_asks_on_get_changes_on_post_and_morning_reminder_skips_them(
    app, client, runner, world, published, smtp
):
    start = _tomorrow_evening()
    _move_action(app, world["action"], start)
    _sign_up_three(app, client, published)
    text, _html = bodies(smtp.collector.to("fatima@example.org")[0])
    cancel = re.search(r"https://organizer\.example\.org(/r/cancel/\S+)", text).group(1)
    visitor = app.test_client()
    page = visitor.get(cancel)
    assert page.status_code == 200 and "Délégation chez le bailleur" in page.get_data(as_text=True)
    with app.app_context():
        fatima = db.session.scalar(select(Resident).where(Resident.email == "fatima@example.org"))
        assert db.session.scalar(select(Attendee.rsvp).where(Attendee.resident_id == fatima.id)) == "yes"
    token = CSRF_PATTERN.search(page.get_data(as_text=True)).group(1)
    assert visitor.post(cancel, data={}).status_code == 400  # no CSRF token, no change
    done = visitor.post(cancel, data={"csrf_token": token})
    assert done.status_code == 200 and "no longer expected" in done.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Attendee.rsvp).where(Attendee.resident_id == fatima.id)) == "no"
        morning = datetime.combine(start.date(), time(8, 0), tzinfo=PARIS)
        result = reminders.send(now=morning.astimezone(ZoneInfo("UTC")))
        assert result["reminders"] == {"day_before": 0, "morning_of": 1}  # Sam only
    assert [m["Subject"] for m in smtp.collector.to("sam@example.org")][-1] == "Today: Délégation chez le bailleur"
    assert not [m for m in smtp.collector.to("fatima@example.org") if "Aujourd" in m["Subject"]]
    # A forged token opens nothing.
    assert visitor.get(cancel[:-3] + "xyz").status_code == 404


def test_unsubscribe_withdraws_email_consent_only_on_post(app, client, world, published, smtp):
    _move_action(app, world["action"], _tomorrow_evening())
    _sign_up_three(app, client, published)
    [confirmation] = smtp.collector.to("sam@example.org")
    link = confirmation["List-Unsubscribe"].strip("<>").removeprefix("https://organizer.example.org")
    visitor = app.test_client()
    page = visitor.get(link).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Resident.email_consent).where(Resident.email == "sam@example.org"))
    visitor.post(link, data={"csrf_token": CSRF_PATTERN.search(page).group(1)})
    with app.app_context():
        sam = db.session.scalar(select(Resident).where(Resident.email == "sam@example.org"))
        assert not sam.email_consent and not sam.do_not_contact
        sam_id = sam.id
        result = reminders.send()
        assert result["reminders"]["day_before"] == 1  # Fatima only
    assert len(smtp.collector.to("sam@example.org")) == 1
    # The organizer sees it on the resident's page.
    client.login(world["organizer"])
    page = client.get(f"/residents/{sam_id}").get_data(as_text=True)
    assert 'data-testid="email-consent">Non (' in page
