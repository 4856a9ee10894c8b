"""Turfs: named sets of addresses, assigned to people for a time."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from organizer.db import TimestampMixin, utcnow
from organizer.extensions import db
from organizer.kernel.time import UTCDateTime


class Turf(TimestampMixin, db.Model):
    """A piece of the neighbourhood one canvasser can walk."""

    __tablename__ = "turfs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    # What canvassers say and ask at the door: printed in the walk sheet's header.
    script: Mapped[str | None] = mapped_column(Text)
    # How it was cut: {"streets": [...], "side": "odd", "from": 1, "to": 99} or {"area": "..."}, polygon...
    rule: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    addresses = relationship("Address", back_populates="turf", lazy="raise_on_sql")
    assignments: Mapped[list["TurfAssignment"]] = relationship(
        back_populates="turf", cascade="all, delete-orphan", lazy="raise_on_sql"
    )


class TurfAssignment(TimestampMixin, db.Model):
    """A user may walk (and see) a turf until a date."""

    __tablename__ = "turf_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    turf_id: Mapped[int] = mapped_column(ForeignKey("turfs.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    until: Mapped[date] = mapped_column(Date)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    turf: Mapped[Turf] = relationship(back_populates="assignments", lazy="raise_on_sql")
    user = relationship("User", foreign_keys=[user_id], lazy="raise_on_sql")


class SheetPrint(db.Model):
    """One printing of a turf's walk sheet: its token (in every door's QR code) and where each door went.

    Kept when a sheet is printed, so that a photo of the filled sheet can be read back (organizer.paper)."""

    __tablename__ = "sheet_prints"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Printed in the QR codes ("?p=..."): names this print, not guessable from another.
    token: Mapped[str] = mapped_column(String(16), unique=True)
    turf_id: Mapped[int | None] = mapped_column(ForeignKey("turfs.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # organizer.turfs.sheet_layout.layout_record(): page, position and rows of every door.
    layout: Mapped[dict] = mapped_column(JSON, default=dict)
