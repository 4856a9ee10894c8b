"""What people told us: issues heard and door knocks (other conversation records join here)."""

from datetime import date, datetime

from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from organizer.db import TimestampMixin, VersionedMixin, utcnow
from organizer.extensions import db
from organizer.kernel.time import UTCDateTime
from organizer.residents.models import Issue as Issue  # the issue vocabulary is the residents' (re-exported)

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


class DoorKnock(TimestampMixin, db.Model):
    """One knock at one door: who answered, what happened, what they said."""

    __tablename__ = "door_knocks"
    __table_args__ = (
        Index("ix_door_knocks_household_at", "household_id", "knocked_at"),
        # Newest first by (date, id), as lists page through them; with the result, the dashboard counts
        # outcomes from the index alone.
        Index("ix_door_knocks_at_id_result", "knocked_at", "id", "result"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id", ondelete="SET NULL"), index=True)
    canvasser_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    knocked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
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


# --- Relational meetings, house meetings, commitments, the leadership ladder -------------------------------

ASK_ANSWERS = ("yes", "no", "counter", "later")
COMMITMENT_STATUSES = ("open", "done", "dropped")
# Kinds of evidence that justify a move on the leadership ladder.
EVIDENCE_KINDS = (
    "hosted_house_meeting",
    "chaired_meeting",
    "brought_people",
    "kept_commitment",
    "spoke_publicly",
    "recruited_leader",
    "other",
)

one_on_one_issues = Table(
    "one_on_one_issues",
    db.metadata,
    Column("one_on_one_id", ForeignKey("one_on_ones.id", ondelete="CASCADE"), primary_key=True),
    Column("issue_id", ForeignKey("issues.id", ondelete="CASCADE"), primary_key=True),
)

house_meeting_issues = Table(
    "house_meeting_issues",
    db.metadata,
    Column("house_meeting_id", ForeignKey("house_meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("issue_id", ForeignKey("issues.id", ondelete="CASCADE"), primary_key=True),
)


class OneOnOne(TimestampMixin, VersionedMixin, db.Model):
    """A relational meeting: their story, what moves them, the ask and the answer."""

    __tablename__ = "one_on_ones"
    __table_args__ = (Index("ix_one_on_ones_resident_met", "resident_id", "met_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organizer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    met_on: Mapped[date] = mapped_column(Date, index=True)
    place: Mapped[str | None] = mapped_column(String(200))
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    referred_by_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id", ondelete="SET NULL"), index=True)
    story: Mapped[str | None] = mapped_column(Text)
    needs: Mapped[str | None] = mapped_column(Text)
    sources_of_meaning: Mapped[str | None] = mapped_column(Text)
    networks: Mapped[str | None] = mapped_column(Text)
    energy: Mapped[int | None] = mapped_column(Integer)
    ask: Mapped[str | None] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(String(10))
    answer_by: Mapped[date | None] = mapped_column(Date)
    follow_up_on: Mapped[date | None] = mapped_column(Date, index=True)
    # The latest assessment; every version is also kept in `assessments`.
    assessment: Mapped[str | None] = mapped_column(Text)
    note_sensitive: Mapped[bool] = mapped_column(Boolean, default=False)

    organizer = relationship("User", lazy="raise_on_sql")
    resident = relationship("Resident", foreign_keys=[resident_id], lazy="raise_on_sql")
    referred_by = relationship("Resident", foreign_keys=[referred_by_id], lazy="raise_on_sql")
    issues: Mapped[list[Issue]] = relationship(secondary=one_on_one_issues, lazy="raise_on_sql")


class Assessment(db.Model):
    """One dated assessment of a resident (from a one-on-one): history is appended, never rewritten."""

    __tablename__ = "assessments"
    __table_args__ = (Index("ix_assessments_resident_at", "resident_id", "assessed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    one_on_one_id: Mapped[int | None] = mapped_column(ForeignKey("one_on_ones.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(Text)
    energy: Mapped[int | None] = mapped_column(Integer)
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    by = relationship("User", lazy="raise_on_sql")


class HouseMeeting(TimestampMixin, VersionedMixin, db.Model):
    """A resident hosts neighbours at home: issues surface, new hosts step up."""

    __tablename__ = "house_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    host_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id", ondelete="SET NULL"), index=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    place: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    note_sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    organizer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)

    host = relationship("Resident", lazy="raise_on_sql")
    organizer = relationship("User", lazy="raise_on_sql")
    issues: Mapped[list[Issue]] = relationship(secondary=house_meeting_issues, lazy="raise_on_sql")
    attendees: Mapped[list["HouseMeetingAttendee"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", lazy="raise_on_sql"
    )


class HouseMeetingAttendee(db.Model):
    """Who came, who brought them, and whether they agreed to host the next one."""

    __tablename__ = "house_meeting_attendees"

    house_meeting_id: Mapped[int] = mapped_column(ForeignKey("house_meetings.id", ondelete="CASCADE"), primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), primary_key=True)
    brought_by_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id", ondelete="SET NULL"), index=True)
    new_host: Mapped[bool] = mapped_column(Boolean, default=False)

    meeting: Mapped[HouseMeeting] = relationship(back_populates="attendees", lazy="raise_on_sql")
    resident = relationship("Resident", foreign_keys=[resident_id], lazy="raise_on_sql")
    brought_by = relationship("Resident", foreign_keys=[brought_by_id], lazy="raise_on_sql")


class Commitment(TimestampMixin, VersionedMixin, db.Model):
    """A promise, in either direction: a resident's to the organization, or an organizer's to a resident."""

    __tablename__ = "commitments"
    __table_args__ = (Index("ix_commitments_owner_status_due", "owner_id", "status", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Who promised: a resident, or (when from_user_id is set) one of us.
    from_resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), index=True)
    from_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # To whom: a user, a resident, or the organization when both are empty.
    to_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    to_resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), index=True)
    what: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")
    # Where it was made: ("one_on_one", id), ("house_meeting", id), ("door_knock", id), ("action", id)...
    source_type: Mapped[str | None] = mapped_column(String(20))
    source_id: Mapped[int | None] = mapped_column(Integer)
    # Who follows it up.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    from_resident = relationship("Resident", foreign_keys=[from_resident_id], lazy="raise_on_sql")
    to_resident = relationship("Resident", foreign_keys=[to_resident_id], lazy="raise_on_sql")
    from_user = relationship("User", foreign_keys=[from_user_id], lazy="raise_on_sql")
    to_user = relationship("User", foreign_keys=[to_user_id], lazy="raise_on_sql")
    owner = relationship("User", foreign_keys=[owner_id], lazy="raise_on_sql")

    @property
    def resident_id(self) -> int | None:
        """The resident this promise is about (theirs, or made to them)."""
        return self.from_resident_id or self.to_resident_id


class StageChange(db.Model):
    """A move on the leadership ladder and the evidence that justified it; rows are never rewritten."""

    __tablename__ = "stage_changes"
    __table_args__ = (Index("ix_stage_changes_resident_at", "resident_id", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    from_stage: Mapped[str] = mapped_column(String(20))
    to_stage: Mapped[str] = mapped_column(String(20))
    evidence_kind: Mapped[str] = mapped_column(String(30))
    evidence: Mapped[str] = mapped_column(Text)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    by = relationship("User", lazy="raise_on_sql")
