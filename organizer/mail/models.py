"""E-mail waiting to leave, sent, or given up on: the outbox the background job works through."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from organizer.db import utcnow
from organizer.extensions import db
from organizer.kernel.time import UTCDateTime

# Labels in labels.py. queued: waiting (or waiting for a retry); sending: claimed by a worker; sent;
# failed: gave up after retries.
MAIL_STATES = ("queued", "sending", "sent", "failed")


class OutgoingMail(db.Model):
    """One message, rendered when queued (language, links, attachment) so a worker only has to send it."""

    __tablename__ = "outgoing_mail"
    __table_args__ = (Index("ix_outgoing_mail_state_next", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    # The whole RFC 5322 message (headers, text, HTML, attachments).
    raw: Mapped[str] = deferred(mapped_column(Text))
    # Makes a message unique ("reminder:day_before:attendee:12"): cron runs twice, the resident gets one.
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    # Erasing a resident or an account deletes what was waiting for them.
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
