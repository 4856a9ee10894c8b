"""What people told us: issues heard and door knocks (other conversation records join here)."""

from datetime import datetime

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from organizer.db import TimestampMixin, utcnow
from organizer.extensions import db

# Result codes of a door knock, in the order printed on walk sheets.
DOOR_RESULTS = (
    "not_home",
    "talked",
    "refused",
    "moved",
    "inaccessible",
    "come_back",
    "language_barrier",
    "do_not_contact",
)

door_knock_issues = Table(
    "door_knock_issues",
    db.metadata,
    Column("door_knock_id", ForeignKey("door_knocks.id", ondelete="CASCADE"), primary_key=True),
    Column("issue_id", ForeignKey("issues.id", ondelete="CASCADE"), primary_key=True),
)


class Issue(TimestampMixin, db.Model):
    """A problem people named (rent, street lighting, school canteen): the listening report's unit."""

    __tablename__ = "issues"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # Accent- and case-free name: "loyers" and "Loyers" are one issue.
    key: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str | None] = mapped_column(Text)


class DoorKnock(TimestampMixin, db.Model):
    """One knock at one door: who answered, what happened, what they said."""

    __tablename__ = "door_knocks"
    __table_args__ = (Index("ix_door_knocks_household_at", "household_id", "knocked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id", ondelete="SET NULL"), index=True)
    canvasser_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    knocked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    result: Mapped[str] = mapped_column(String(20))
    support_level: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    note_sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    follow_up: Mapped[bool] = mapped_column(Boolean, default=False)
    # Where it was entered from: "sheet" (grid), "phone" (QR page), "manual".
    entered_via: Mapped[str] = mapped_column(String(10), default="manual")

    household = relationship("Household", lazy="raise_on_sql")
    resident = relationship("Resident", lazy="raise_on_sql")
    canvasser = relationship("User", lazy="raise_on_sql")
    issues: Mapped[list[Issue]] = relationship(secondary=door_knock_issues, lazy="raise_on_sql")
