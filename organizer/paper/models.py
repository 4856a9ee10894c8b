"""Knocks read from paper (one per door row per print) and the readings waiting for review.

The prints themselves (SheetPrint) are the walk sheet's, in organizer.turfs.models."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from organizer.db import utcnow
from organizer.extensions import db
from organizer.kernel.time import UTCDateTime
from organizer.turfs.models import SheetPrint

__all__ = ["PaperKnock", "PaperRead", "SheetPrint"]


class PaperKnock(db.Model):
    """A knock saved from a read sheet: one per door row per print, so reading a sheet again adds nothing."""

    __tablename__ = "paper_knocks"
    __table_args__ = (UniqueConstraint("print_id", "household_id", "row", name="uq_paper_knocks_print_door_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    print_id: Mapped[int] = mapped_column(ForeignKey("sheet_prints.id", ondelete="CASCADE"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    row: Mapped[int] = mapped_column(Integer, default=0)
    knock_id: Mapped[int | None] = mapped_column(ForeignKey("door_knocks.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PaperRead(db.Model):
    """Photos or scans of filled sheets, read in the background, then reviewed before anything is saved.

    The images (and the crops shown for review) are job files (organizer.jobs.files, folder "paper", named
    "<id>-upload-..." and "<id>-crop-...", listed in `findings`) until the review is done: they hold personal
    data."""

    __tablename__ = "paper_reads"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    turf_id: Mapped[int | None] = mapped_column(ForeignKey("turfs.id", ondelete="SET NULL"), index=True)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    # "reading", "review" (read, waiting for the organizer), "done" (saved or dropped; images deleted).
    status: Mapped[str] = mapped_column(String(10), default="reading")
    # What was read: {"doors": [...], "problems": [...], "uploads": [job file names]} (doors: DoorRead.as_json()).
    findings: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
