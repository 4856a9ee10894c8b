"""Compose e-mail in the reader's language, queue it, and send what is due with retries.

Nothing is sent during a request: pages queue messages (compose) with the job that sends them (sending_job),
commit, then start it (start_sending); the job, `flask mail send` and `flask reminders send` all call
deliver_due()."""

import email.policy
import smtplib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from urllib.parse import urlsplit

from flask import current_app, has_request_context, render_template, request
from flask_babel import force_locale
from sqlalchemy import delete, select, update

from organizer.core.services import current_organization
from organizer.db import utcnow, write_intent
from organizer.extensions import db
from organizer.jobs.models import Job
from organizer.jobs.services import create_job, launch
from organizer.mail import transport
from organizer.mail.models import OutgoingMail

JOB_KIND = "mail.send"
JOB_LEASE = timedelta(minutes=10)


@dataclass
class Attachment:
    """A file sent with a message (the .ics of an action)."""

    filename: str
    content: bytes
    maintype: str = "text"
    subtype: str = "calendar"
    params: dict | None = None


def sender_address() -> str:
    """The envelope and From address (ORGANIZER_MAIL_SENDER)."""
    return current_app.config.get("MAIL_SENDER") or "organizer@localhost"


def _public_base() -> str:
    base = current_app.config.get("PUBLIC_URL")
    if not base:
        base = request.host_url if has_request_context() else "http://localhost:5000/"
    return base


@contextmanager
def outside_request():
    """A request for cron and workers (on PUBLIC_URL): templates and url_for need one; no-op within a request."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context(base_url=_public_base()):
        yield


def external_url(endpoint: str, **values) -> str:
    """An absolute link for a message: PUBLIC_URL when set, else the current request's host."""
    parts = urlsplit(_public_base())
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)


def pick_locale(*candidates: str | None) -> str:
    """The first of `candidates` the app speaks ("fr,ar" counts as fr), else the default language."""
    languages = current_app.config["LANGUAGES"]
    for candidate in candidates:
        for code in (candidate or "").replace(";", ",").split(","):
            code = code.strip().lower()[:2]
            if code in languages:
                return code
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def compose(
    kind: str,
    to: str,
    *,
    template: str,
    locale: str,
    subject,
    context: dict | None = None,
    attachments: list[Attachment] = (),
    headers: dict | None = None,
    resident_id: int | None = None,
    user_id: int | None = None,
    dedupe_key: str | None = None,
) -> OutgoingMail | None:
    """Render mail/<template>.txt and .html in `locale` and queue the message (add + flush).

    `subject` is a lazy string or a function, evaluated in `locale`. Returns None when a message with the
    same dedupe_key was already queued: reminders are sent once however often cron runs."""
    if dedupe_key and db.session.scalar(select(OutgoingMail.id).where(OutgoingMail.dedupe_key == dedupe_key)):
        return None
    organization = current_organization()
    org_name = organization.name if organization else current_app.config["ORGANIZATION_NAME"]
    contact = organization.contact_email if organization else None
    # Every message says how to reach the organization: its contact address, else the one it writes from.
    values = {"organization_name": org_name, "organization_contact": contact or sender_address(), **(context or {})}
    with outside_request(), force_locale(locale):
        # One line: a title typed with a line break must not become a header of its own.
        subject_text = " ".join(str(subject() if callable(subject) else subject).split())
        text = render_template(f"mail/{template}.txt", subject=subject_text, **values)
        html = render_template(f"mail/{template}.html", subject=subject_text, **values)
    message = EmailMessage(policy=email.policy.SMTP)
    sender = sender_address()
    message["From"] = formataddr((org_name, sender))
    message["To"] = to
    message["Subject"] = subject_text
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
    message["Auto-Submitted"] = "auto-generated"
    if contact:
        message["Reply-To"] = formataddr((org_name, contact))
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    for attachment in attachments:
        if attachment.maintype == "text":  # text travels with its charset (UTF-8), not as opaque bytes
            message.add_attachment(
                attachment.content.decode("utf-8"),
                subtype=attachment.subtype,
                filename=attachment.filename,
                params=attachment.params or {},
            )
        else:
            message.add_attachment(
                attachment.content,
                maintype=attachment.maintype,
                subtype=attachment.subtype,
                filename=attachment.filename,
                params=attachment.params or {},
            )
    message["Content-Language"] = locale  # after the body: set_content drops earlier Content-* headers
    mail = OutgoingMail(
        kind=kind,
        to_address=to,
        subject=subject_text[:300],
        raw=message.as_string(),
        dedupe_key=dedupe_key,
        resident_id=resident_id,
        user_id=user_id,
    )
    db.session.add(mail)
    db.session.flush()
    return mail


def sending_job(user_id: int | None = None):
    """Queue the background job that sends queued mail (add + flush, with the mail; the caller commits, then
    calls start_sending), or None when one is already waiting or sending.

    No second job while one is waiting or sending: it goes on until no mail is left, so a burst of sign-ups
    starts one job, not one per message. A job older than JOB_LEASE is presumed dead and does not count."""
    busy = db.session.scalar(
        select(Job.id)
        .where(Job.kind == JOB_KIND, Job.state.in_(("queued", "running")), Job.created_at > utcnow() - JOB_LEASE)
        .limit(1)
    )
    if busy:
        return None
    return create_job(JOB_KIND, {}, user_id)


def start_sending(job) -> None:
    """After the commit: hand the sending job, if one was queued, to the workers (run here when JOBS_RUN_INLINE).
    A page whose job cannot start still answers: the mail is committed, and the next job or cron run
    (`flask reminders send`, `flask mail send`) sends it."""
    if job is None:
        return
    try:
        launch(job.id)
    except Exception:  # noqa: BLE001 - the mail is committed: the next job or cron run sends it
        db.session.rollback()
        current_app.logger.exception("could not start the mail job; queued mail waits for the next run")


def _retry_delays() -> list[int]:
    return [int(minutes) for minutes in current_app.config["MAIL_RETRY_MINUTES"]]


def _update(mail_id: int, condition=None, **values) -> int:
    statement = update(OutgoingMail).where(OutgoingMail.id == mail_id)
    if condition is not None:
        statement = statement.where(condition)
    with write_intent():
        result = db.session.execute(statement.values(**values))
        db.session.commit()
    return result.rowcount


def deliver_due(now=None, limit: int = 500) -> dict:
    """Send every message whose time has come; a failure is retried later, then marked failed.

    Each message is claimed (state "sending" with a lease) before it is sent, so two workers never send
    the same one; a worker that dies leaves a lease that runs out and the message is sent again."""
    now = now or utcnow()
    db.session.commit()  # end any read snapshot: the claims below must see other workers' commits
    due = db.session.execute(
        select(OutgoingMail.id, OutgoingMail.attempts)
        .where(OutgoingMail.state.in_(("queued", "sending")), OutgoingMail.next_attempt_at <= now)
        .order_by(OutgoingMail.next_attempt_at, OutgoingMail.id)
        .limit(limit)
    ).all()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    delays = _retry_delays()
    for mail_id, attempts in due:
        claimable = OutgoingMail.state.in_(("queued", "sending")) & (OutgoingMail.next_attempt_at <= now)
        if not _update(mail_id, claimable, state="sending", next_attempt_at=now + timedelta(minutes=10)):
            continue  # another worker has it
        mail = db.session.execute(
            select(OutgoingMail.to_address, OutgoingMail.raw).where(OutgoingMail.id == mail_id)
        ).one()
        db.session.commit()
        try:
            transport.deliver(mail_id, sender_address(), mail.to_address, mail.raw)
        except (OSError, smtplib.SMTPException) as error:
            attempts += 1
            reason = f"{type(error).__name__}: {error}"[:500]
            if attempts > len(delays):
                _update(mail_id, state="failed", attempts=attempts, last_error=reason)
                counts["failed"] += 1
            else:
                later = now + timedelta(minutes=delays[attempts - 1])
                _update(mail_id, state="queued", attempts=attempts, last_error=reason, next_attempt_at=later)
                counts["retry"] += 1
            current_app.logger.warning("mail %s not sent (attempt %s): %s", mail_id, attempts, reason)
            continue
        _update(mail_id, state="sent", attempts=attempts + 1, sent_at=utcnow(), last_error=None)
        counts["sent"] += 1
    return counts


def purge_sent(now=None) -> int:
    """Delete sent messages older than JOBS_RETENTION_DAYS: they hold names and addresses (cron calls this)."""
    cutoff = (now or utcnow()) - timedelta(days=current_app.config["JOBS_RETENTION_DAYS"])
    result = db.session.execute(delete(OutgoingMail).where(OutgoingMail.state == "sent", OutgoingMail.sent_at < cutoff))
    return result.rowcount


def retry_failed(mail_ids: list[int] | None = None) -> int:
    """Put failed messages back in the queue, due now (after the server is fixed); returns how many."""
    statement = update(OutgoingMail).where(OutgoingMail.state == "failed")
    if mail_ids is not None:
        statement = statement.where(OutgoingMail.id.in_(mail_ids))
    result = db.session.execute(statement.values(state="queued", next_attempt_at=utcnow(), attempts=0))
    return result.rowcount


def mail_status_line() -> str:
    """Where e-mail goes, for `make run` and the outbox page (English: a console line)."""
    if transport.smtp_configured():
        config = current_app.config
        return f"E-mail: sent through {config['MAIL_SERVER']}:{config.get('MAIL_PORT') or 25} as {sender_address()}"
    return f"E-mail: no ORGANIZER_MAIL_SERVER set, messages are written to {transport.outbox_folder()} (nothing leaves)"
