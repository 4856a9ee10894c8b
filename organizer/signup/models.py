"""Public sign-up pages of actions, and the sign-ups they received."""

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from organizer.db import TimestampMixin, utcnow
from organizer.extensions import db


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
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
