"""Meetings, their timed agenda items, attendees, minutes action items, and reusable agenda templates."""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from organizer.db import TimestampMixin, VersionedMixin
from organizer.extensions import db
from organizer.kernel.time import UTCDateTime

# Kinds of agenda items, in the order they are offered.
ITEM_KINDS = ("information", "discussion", "decision")
# Answers to an invitation.
RSVP_STATUSES = ("invited", "yes", "maybe", "no")
# The four meeting roles, each held by a user.
ROLES = ("chair", "facilitator", "note_taker", "timekeeper")


class Meeting(TimestampMixin, VersionedMixin, db.Model):
    """A meeting with a purpose, a place, a start, a planned length and a timed agenda."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    # Accent- and case-free title: meetings sharing it form a series (for the commitments review).
    series_key: Mapped[str] = mapped_column(String(200), default="", index=True)
    purpose: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=90)
    place: Mapped[str | None] = mapped_column(String(200))
    # Campaign and action links; the foreign keys are added when the campaigns feature is merged.
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"), index=True)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id", ondelete="SET NULL"), index=True)
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    facilitator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note_taker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    timekeeper_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    minutes: Mapped[str | None] = mapped_column(Text)
    decisions: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    chair = relationship("User", foreign_keys=[chair_id], lazy="raise_on_sql")
    facilitator = relationship("User", foreign_keys=[facilitator_id], lazy="raise_on_sql")
    note_taker = relationship("User", foreign_keys=[note_taker_id], lazy="raise_on_sql")
    timekeeper = relationship("User", foreign_keys=[timekeeper_id], lazy="raise_on_sql")
    items: Mapped[list["AgendaItem"]] = relationship(
        back_populates="meeting",
        order_by="AgendaItem.position",
        cascade="all, delete-orphan",
        lazy="raise_on_sql",
    )
    user_attendees: Mapped[list["MeetingUser"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", lazy="raise_on_sql"
    )
    resident_attendees: Mapped[list["MeetingResident"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", lazy="raise_on_sql"
    )
    action_items: Mapped[list["MinutesActionItem"]] = relationship(
        back_populates="meeting",
        order_by="MinutesActionItem.id",
        cascade="all, delete-orphan",
        lazy="raise_on_sql",
    )

    def role_user_ids(self) -> set[int]:
        return {uid for uid in (self.chair_id, self.facilitator_id, self.note_taker_id, self.timekeeper_id) if uid}


class MeetingUser(db.Model):
    """A user invited to a meeting: their answer and whether they came."""

    __tablename__ = "meeting_users"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    rsvp: Mapped[str] = mapped_column(String(10), default="invited")
    attended: Mapped[bool] = mapped_column(Boolean, default=False)

    meeting: Mapped[Meeting] = relationship(back_populates="user_attendees", lazy="raise_on_sql")
    user = relationship("User", lazy="raise_on_sql")


class MeetingResident(db.Model):
    """A resident invited to a meeting: their answer and whether they came."""

    __tablename__ = "meeting_residents"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    resident_id: Mapped[int] = mapped_column(
        ForeignKey("residents.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    rsvp: Mapped[str] = mapped_column(String(10), default="invited")
    attended: Mapped[bool] = mapped_column(Boolean, default=False)

    meeting: Mapped[Meeting] = relationship(back_populates="resident_attendees", lazy="raise_on_sql")
    resident = relationship("Resident", lazy="raise_on_sql")


class AgendaItem(VersionedMixin, db.Model):
    """One timed item of an agenda: its start time is computed from the ones before it."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    lead_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # A lead who has no account ("the host", "Mme Dupont").
    lead_text: Mapped[str | None] = mapped_column(String(120))
    minutes: Mapped[int] = mapped_column(Integer, default=10)
    kind: Mapped[str] = mapped_column(String(12), default="discussion")
    notes: Mapped[str | None] = mapped_column(Text)
    # The item under which due and open commitments are listed.
    commitments_review: Mapped[bool] = mapped_column(Boolean, default=False)

    meeting: Mapped[Meeting] = relationship(back_populates="items", lazy="raise_on_sql")
    lead_user = relationship("User", lazy="raise_on_sql")

    @property
    def lead_name(self) -> str:
        if self.lead_user_id and self.lead_user is not None:
            return self.lead_user.display_name
        return self.lead_text or ""


class MeetingTemplate(TimestampMixin, db.Model):
    """A reusable agenda: built in (house meeting, debrief...) or saved by the organization."""

    __tablename__ = "meeting_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Set on built-in templates only: what the seeding recognises them by.
    builtin_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str | None] = mapped_column(Text)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=90)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    items: Mapped[list["MeetingTemplateItem"]] = relationship(
        back_populates="template",
        order_by="MeetingTemplateItem.position",
        cascade="all, delete-orphan",
        lazy="raise_on_sql",
    )


class MeetingTemplateItem(db.Model):
    """One item of a template, copied into a meeting's agenda."""

    __tablename__ = "meeting_template_items"
    __table_args__ = (UniqueConstraint("template_id", "position", name="uq_meeting_template_items_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("meeting_templates.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    lead_text: Mapped[str | None] = mapped_column(String(120))
    minutes: Mapped[int] = mapped_column(Integer, default=10)
    kind: Mapped[str] = mapped_column(String(12), default="discussion")
    notes: Mapped[str | None] = mapped_column(Text)
    commitments_review: Mapped[bool] = mapped_column(Boolean, default=False)

    template: Mapped[MeetingTemplate] = relationship(back_populates="items", lazy="raise_on_sql")


class MinutesActionItem(TimestampMixin, db.Model):
    """Something someone will do after the meeting; recorded as a Commitment too."""

    __tablename__ = "meeting_action_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    what: Mapped[str] = mapped_column(String(300))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id", ondelete="SET NULL"), index=True)
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    # The Commitment this item created (source_type "meeting"): its status says whether it is done.
    commitment_id: Mapped[int | None] = mapped_column(ForeignKey("commitments.id", ondelete="SET NULL"), index=True)

    meeting: Mapped[Meeting] = relationship(back_populates="action_items", lazy="raise_on_sql")
    user = relationship("User", lazy="raise_on_sql")
    resident = relationship("Resident", lazy="raise_on_sql")
    commitment = relationship("Commitment", lazy="raise_on_sql")

    @property
    def done(self) -> bool:
        return self.commitment is not None and self.commitment.status == "done"

    @property
    def who_name(self) -> str:
        if self.user_id and self.user is not None:
            return self.user.display_name
        if self.resident_id and self.resident is not None:
            return self.resident.display_name
        return ""
