"""Turnout: reminder calls before an action or a meeting (who calls whom, what they said), and the public
sign-up pages of actions with the sign-ups they received (their pages are in organizer/signup)."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from organizer.db import TimestampMixin, VersionedMixin, utcnow
from organizer.extensions import db
from organizer.kernel.time import UTCDateTime

# One tap each on the phone (labels in labels.py); what each does to the RSVP is in calls.OUTCOME_RSVP.
OUTCOMES = ("coming", "maybe", "not_coming", "no_answer", "wrong_number", "do_not_call")


class ReminderCall(VersionedMixin, db.Model):
    """One person on the call list of an action or a meeting, the caller it is given to, and the outcome."""

    __tablename__ = "reminder_calls"
    __table_args__ = (
        Index("ix_reminder_calls_action_resident", "action_id", "resident_id", unique=True),
        Index("ix_reminder_calls_meeting_resident", "meeting_id", "resident_id", unique=True),
        Index("ix_reminder_calls_caller", "caller_id", "action_id", "meeting_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), index=True)
    caller_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The list's order: each caller's own people first, then the shared ones, by name.
    position: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str | None] = mapped_column(String(12))
    note: Mapped[str | None] = mapped_column(Text)
    # How many people they promised to bring along (a commitment is recorded for it).
    bringing: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Ask, then call again the day before: a new round reopens the list and keeps what they said last time.
    round: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    previous_outcome: Mapped[str | None] = mapped_column(String(12))
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    called_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    commitment_id: Mapped[int | None] = mapped_column(ForeignKey("commitments.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    resident = relationship("Resident", lazy="raise_on_sql")
    caller = relationship("User", foreign_keys=[caller_id], lazy="raise_on_sql")


class SignupPage(TimestampMixin, db.Model):
    """An action's public page; the organizer publishes it (and can take it down)."""

    __tablename__ = "signup_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), unique=True)
    # The short link's code (/s/<code>): random, so pages cannot be listed by counting.
    code: Mapped[str] = mapped_column(String(16), unique=True)
    published: Mapped[bool] = mapped_column(Boolean, default=False)

    action = relationship("Action", lazy="raise_on_sql")


class Signup(db.Model):
    """One sign-up from a public page: who (a resident found or created), for how many, with what consent."""

    __tablename__ = "signups"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), index=True)
    party_size: Mapped[int] = mapped_column(Integer, default=1)
    email_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    # The page's language: confirmations and reminders are written in it.
    locale: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
