"""Turfs: named sets of addresses, assigned to people for a time."""

from datetime import date

from sqlalchemy import JSON, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from organizer.db import TimestampMixin
from organizer.extensions import db


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
