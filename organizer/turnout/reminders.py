"""Reminders by e-mail: the day before and the morning of an action, to those coming who agreed to e-mail.

`flask reminders send` (from cron, e.g. hourly) queues what is due and sends it; each reminder is queued at
most once (OutgoingMail.dedupe_key), so running it often is harmless."""

from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from organizer.campaigns.models import Action, Attendee
from organizer.db import utcnow
from organizer.extensions import db
from organizer.kernel.time import aware_utc, to_local
from organizer.mail import services as mail
from organizer.mail.models import OutgoingMail
from organizer.residents.models import Resident
from organizer.turnout import mailing
from organizer.turnout.models import Signup, SignupPage

# The morning-of reminder leaves from this local hour on.
MORNING_HOUR = 7


def due_kind(starts_at: datetime, now: datetime) -> str | None:
    """ "day_before", "morning_of" or None for an action starting at `starts_at`, in the organization's time."""
    start_local, now_local = to_local(starts_at), to_local(now)
    if now >= aware_utc(starts_at):
        return None
    days = (start_local.date() - now_local.date()).days
    if days == 1:
        return "day_before"
    if days == 0 and now_local.time() >= time(MORNING_HOUR):
        return "morning_of"
    return None


def plan(now: datetime | None = None) -> list[tuple[str, Action, Attendee, Resident, str | None]]:
    """What is due now: (kind, action, attendee, resident, language) for each reminder not yet queued."""
    now = now or utcnow()
    actions = db.session.scalars(
        select(Action)
        .where(Action.starts_at > now, Action.starts_at < now + timedelta(days=2))
        .options(selectinload(Action.demands), selectinload(Action.target), selectinload(Action.campaign))
    ).all()
    due = []
    for action in actions:
        kind = due_kind(action.starts_at, now)
        if kind is None:
            continue
        rows = db.session.execute(
            select(Attendee, Resident, Signup.locale)
            .join(Resident, Resident.id == Attendee.resident_id)
            .outerjoin(Signup, (Signup.action_id == Attendee.action_id) & (Signup.resident_id == Resident.id))
            .where(
                Attendee.action_id == action.id,
                Attendee.rsvp.in_(("yes", "maybe")),
                Resident.email.is_not(None),
                Resident.email_consent.is_(True),
                Resident.do_not_contact.is_(False),
            )
            .order_by(Attendee.id)
        ).all()
        already = set(
            db.session.scalars(
                select(OutgoingMail.dedupe_key).where(
                    OutgoingMail.dedupe_key.in_([f"resident.{kind}:attendee:{a.id}" for a, _r, _l in rows])
                )
            )
        )
        due += [
            (kind, action, attendee, resident, locale)
            for attendee, resident, locale in rows
            if f"resident.{kind}:attendee:{attendee.id}" not in already
        ]
    return due


def _public_url(action_id: int) -> str | None:
    code = db.session.scalar(
        select(SignupPage.code).where(SignupPage.action_id == action_id, SignupPage.published.is_(True))
    )
    return mail.external_url("signup.page", code=code) if code else None


def send(now: datetime | None = None, dry_run: bool = False) -> dict:
    """Queue the due reminders and send everything due (dry run: only count them)."""
    due = plan(now)
    counts = {"day_before": 0, "morning_of": 0}
    for kind, action, attendee, resident, locale in due:
        counts[kind] += 1
        if not dry_run:
            mailing.queue_action_message(
                kind, action, attendee, resident, locale=locale, public_url=_public_url(action.id)
            )
    if dry_run:
        db.session.rollback()
        return {"dry_run": True, "reminders": counts, "actions": len({d[1].id for d in due})}
    purged = mail.purge_sent(now)
    db.session.commit()
    delivered = mail.deliver_due()
    current_app.logger.info("reminders: %s queued, delivery %s", counts, delivered)
    return {
        "dry_run": False,
        "reminders": counts,
        "actions": len({d[1].id for d in due}),
        "mail": delivered,
        "purged": purged,
    }
