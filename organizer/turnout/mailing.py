"""Messages to residents about an action: confirmation at sign-up, reminders the day before and the morning of.

Only to residents who gave an e-mail with consent and never objected (do_not_contact); each one carries the
organization's contact, an unsubscribe link and, for reminders, "I can't come any more"."""

import dataclasses

from flask_babel import lazy_gettext as _l

from organizer.campaigns import calendar
from organizer.campaigns.models import Action, Attendee
from organizer.mail import services as mail
from organizer.residents.models import Resident
from organizer.turnout import tokens

KINDS = {
    "confirmation": _l("You are signed up: %(title)s"),
    "day_before": _l("Tomorrow: %(title)s"),
    "morning_of": _l("Today: %(title)s"),
}


def may_email(resident: Resident) -> bool:
    """An e-mail, consent to use it, and no objection."""
    return bool(resident.email) and resident.email_consent and not resident.do_not_contact


def unsubscribe_url(resident_id: int) -> str:
    """The link that withdraws a resident's consent to e-mail."""
    return mail.external_url("signup.unsubscribe", token=tokens.make("unsubscribe", r=resident_id))


def cancel_url(attendee_id: int) -> str:
    """The link that says "I can't come any more" for one attendee of one action."""
    return mail.external_url("signup.cancel", token=tokens.make("cancel", a=attendee_id))


def resident_ics(action: Action, public_url: str | None) -> bytes:
    """The action as a calendar file for a resident: the public page, not the team's (needs demands loaded)."""
    entry = calendar.action_entry(action)
    lines = [f"- {demand.text}" for demand in action.demands]
    entry = dataclasses.replace(entry, description="\n".join(lines) or None, url=public_url, summary=action.title)
    return calendar.to_ical([entry], name=action.title)


def queue_action_message(
    kind: str, action: Action, attendee: Attendee, resident: Resident, *, locale: str | None, public_url: str | None
):
    """Queue one message of `kind` to the resident (at most once per kind and attendee); None when not allowed."""
    if not may_email(resident):
        return None
    with mail.outside_request():
        return _compose(kind, action, attendee, resident, locale=locale, public_url=public_url)


def _compose(kind: str, action: Action, attendee: Attendee, resident: Resident, *, locale, public_url):
    unsubscribe = unsubscribe_url(resident.id)
    return mail.compose(
        f"resident.{kind}",
        resident.email,
        template="resident_action",
        locale=mail.pick_locale(locale, resident.languages),
        subject=lambda: KINDS[kind] % {"title": action.title},
        context={
            "kind": kind,
            "action": action,
            "name": resident.preferred_name or resident.first_name or "",
            "public_url": public_url,
            "cancel_url": cancel_url(attendee.id),
            "unsubscribe_url": unsubscribe,
        },
        attachments=[
            mail.Attachment(f"action-{action.id}.ics", resident_ics(action, public_url), params={"method": "PUBLISH"})
        ],
        headers={"List-Unsubscribe": f"<{unsubscribe}>"},
        resident_id=resident.id,
        dedupe_key=f"resident.{kind}:attendee:{attendee.id}",
    )
