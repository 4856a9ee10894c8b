"""Campaigns (Midwest Academy strategy chart), actors and their power map, local government, actions."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from organizer.db import TimestampMixin, VersionedMixin, utcnow
from organizer.extensions import db
from organizer.kernel.time import UTCDateTime

CAMPAIGN_STATUSES = {
    "research": _l("Research"),
    "planning": _l("Planning"),
    "active": _l("Under way"),
    "won": _l("Won"),
    "lost": _l("Lost"),
    "paused": _l("Paused"),
}
# Constituents, allies and opponents: the third column of the strategy chart.
STAKEHOLDER_KINDS = {
    "constituent": _l("Constituent"),
    "ally": _l("Ally"),
    "opponent": _l("Opponent"),
}
ACTOR_KINDS = {"person": _l("Person"), "body": _l("Body or organization")}
# Where an actor sits in a campaign: the targets of the chart, or anyone else on the power map.
ACTOR_ROLES = {
    "primary": _l("Primary target"),
    "secondary": _l("Secondary target"),
    "other": _l("Other actor"),
}
LOCAL_BODY_LEVELS = {
    "commune": _l("Commune"),
    "intercommunalite": _l("Intercommunalité"),
    "departement": _l("Département"),
    "region": _l("Région"),
}
ACTION_KINDS = {
    "public_meeting": _l("Public meeting"),
    "accountability_session": _l("Accountability session"),
    "delegation": _l("Delegation to a target"),
    "research_action": _l("Research action"),
    "rally": _l("Rally"),
    "training": _l("Training"),
    "house_meeting": _l("House meeting"),
}
DEMAND_ANSWERS = {
    "no_answer": _l("No answer"),
    "yes": _l("Yes"),
    "partial": _l("Partial"),
    "no": _l("No"),
}
RSVP_ANSWERS = {"yes": _l("Coming"), "maybe": _l("Maybe"), "no": _l("Not coming")}
STANCES = {
    -2: _l("Strongly opposed"),
    -1: _l("Opposed"),
    0: _l("Neutral"),
    1: _l("Favourable"),
    2: _l("Strongly favourable"),
}
INFLUENCE_RANGE = range(1, 6)
STANCE_RANGE = range(-2, 3)

campaign_team = Table(
    "campaign_team",
    db.metadata,
    Column("campaign_id", ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)

campaign_issues = Table(
    "campaign_issues",
    db.metadata,
    Column("campaign_id", ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True),
    Column("issue_id", ForeignKey("issues.id", ondelete="CASCADE"), primary_key=True),
)


class LocalBody(TimestampMixin, db.Model):
    """A level of local government (commune, intercommunalité, département, région) and its services."""

    __tablename__ = "local_bodies"

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    # INSEE code for a commune or département, SIREN for an intercommunalité or région.
    code: Mapped[str | None] = mapped_column(String(14))
    address: Mapped[str | None] = mapped_column(String(300))
    website: Mapped[str | None] = mapped_column(String(300))
    # One service per line: "Service logement - 03 82 00 00 00".
    services: Mapped[str | None] = mapped_column(Text)

    meetings: Mapped[list["CouncilMeeting"]] = relationship(
        back_populates="local_body",
        lazy="raise_on_sql",
        cascade="all, delete-orphan",
        order_by="CouncilMeeting.starts_at",
    )
    officials: Mapped[list["Actor"]] = relationship(back_populates="local_body", lazy="raise_on_sql")


class CouncilMeeting(db.Model):
    """A council session of a local body (conseil municipal, communautaire, départemental, régional)."""

    __tablename__ = "council_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    local_body_id: Mapped[int] = mapped_column(ForeignKey("local_bodies.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    title: Mapped[str | None] = mapped_column(String(200))
    place: Mapped[str | None] = mapped_column(String(200))

    local_body: Mapped[LocalBody] = relationship(back_populates="meetings", lazy="raise_on_sql")


class Actor(TimestampMixin, db.Model):
    """A person or a body with power over a target: a mayor, a council, a social landlord, a school board."""

    __tablename__ = "actors"
    __table_args__ = (
        CheckConstraint("influence BETWEEN 1 AND 5", name="influence_range"),
        CheckConstraint("stance BETWEEN -2 AND 2", name="stance_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10), default="person")
    role_title: Mapped[str | None] = mapped_column(String(200))
    local_body_id: Mapped[int | None] = mapped_column(ForeignKey("local_bodies.id", ondelete="SET NULL"), index=True)
    # General estimate; each campaign keeps its own (CampaignActor), starting from these.
    influence: Mapped[int] = mapped_column(Integer, default=3)
    stance: Mapped[int] = mapped_column(Integer, default=0)
    relationship_note: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(30))
    contact: Mapped[str | None] = mapped_column(Text)

    local_body: Mapped[LocalBody | None] = relationship(back_populates="officials", lazy="raise_on_sql")


class Campaign(TimestampMixin, VersionedMixin, db.Model):
    """A campaign laid out as a Midwest Academy strategy chart."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="research", index=True)
    summary: Mapped[str | None] = mapped_column(Text)
    # Goals.
    long_term_goals: Mapped[str | None] = mapped_column(Text)
    intermediate_goals: Mapped[str | None] = mapped_column(Text)
    short_term_goals: Mapped[str | None] = mapped_column(Text)
    win_definition: Mapped[str | None] = mapped_column(Text)
    # Organizational considerations.
    resources: Mapped[str | None] = mapped_column(Text)
    gain_members: Mapped[str | None] = mapped_column(Text)
    gain_leaders: Mapped[str | None] = mapped_column(Text)
    gain_money: Mapped[str | None] = mapped_column(Text)
    internal_problems: Mapped[str | None] = mapped_column(Text)
    tactics: Mapped[str | None] = mapped_column(Text)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    lead = relationship("User", foreign_keys=[lead_id], lazy="raise_on_sql")
    team = relationship("User", secondary=campaign_team, lazy="raise_on_sql", order_by="User.display_name")
    issues = relationship("Issue", secondary=campaign_issues, lazy="raise_on_sql", order_by="Issue.name")
    stakeholders: Mapped[list["Stakeholder"]] = relationship(
        back_populates="campaign",
        lazy="raise_on_sql",
        cascade="all, delete-orphan",
        order_by="Stakeholder.position",
    )
    campaign_actors: Mapped[list["CampaignActor"]] = relationship(
        back_populates="campaign", lazy="raise_on_sql", cascade="all, delete-orphan"
    )
    actions: Mapped[list["Action"]] = relationship(
        back_populates="campaign", lazy="raise_on_sql", cascade="all, delete-orphan", order_by="Action.starts_at"
    )


class Stakeholder(db.Model):
    """One row of the constituents / allies / opponents column of the chart."""

    __tablename__ = "campaign_stakeholders"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    position: Mapped[int] = mapped_column(Integer, default=0)
    who: Mapped[str] = mapped_column(String(200))
    whose_problem: Mapped[str | None] = mapped_column(Text)
    gain_or_risk: Mapped[str | None] = mapped_column(Text)
    power: Mapped[str | None] = mapped_column(Text)

    campaign: Mapped[Campaign] = relationship(back_populates="stakeholders", lazy="raise_on_sql")


class CampaignActor(db.Model):
    """An actor on one campaign's power map: a mayor may be an ally on one fight and opposed on another."""

    __tablename__ = "campaign_actors"
    __table_args__ = (
        UniqueConstraint("campaign_id", "actor_id", name="uq_campaign_actors_campaign_actor"),
        CheckConstraint("influence BETWEEN 1 AND 5", name="influence_range"),
        CheckConstraint("stance BETWEEN -2 AND 2", name="stance_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(10), default="other")
    influence: Mapped[int] = mapped_column(Integer, default=3)
    stance: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    campaign: Mapped[Campaign] = relationship(back_populates="campaign_actors", lazy="raise_on_sql")
    actor: Mapped[Actor] = relationship(lazy="raise_on_sql")


class Action(TimestampMixin, VersionedMixin, db.Model):
    """Something the organization does together towards a target, then evaluates."""

    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    place: Mapped[str | None] = mapped_column(String(300))
    target_actor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="SET NULL"), index=True)
    turnout_goal: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str | None] = mapped_column(Text)
    # Evaluation (debrief), filled in afterwards.
    evaluated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    eval_worked: Mapped[str | None] = mapped_column(Text)
    eval_did_not_work: Mapped[str | None] = mapped_column(Text)
    commitments_won: Mapped[str | None] = mapped_column(Text)
    lessons: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    campaign: Mapped[Campaign] = relationship(back_populates="actions", lazy="raise_on_sql")
    target: Mapped[Actor | None] = relationship(lazy="raise_on_sql")
    demands: Mapped[list["Demand"]] = relationship(
        back_populates="action", lazy="raise_on_sql", cascade="all, delete-orphan", order_by="Demand.position"
    )
    attendees: Mapped[list["Attendee"]] = relationship(
        back_populates="action", lazy="raise_on_sql", cascade="all, delete-orphan", order_by="Attendee.id"
    )
    power_changes: Mapped[list["PowerChange"]] = relationship(
        back_populates="action", lazy="raise_on_sql", cascade="all, delete-orphan", order_by="PowerChange.id"
    )


class Demand(db.Model):
    """One demand put to the target at an action, and the target's answer."""

    __tablename__ = "action_demands"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(String(10), default="no_answer")
    answer_note: Mapped[str | None] = mapped_column(Text)

    action: Mapped[Action] = relationship(back_populates="demands", lazy="raise_on_sql")


class Attendee(db.Model):
    """Someone invited to, expected at or present at an action: a known resident or a walk-in."""

    __tablename__ = "action_attendees"
    __table_args__ = (
        Index("ix_action_attendees_action_resident", "action_id", "resident_id", unique=True),
        CheckConstraint("resident_id IS NOT NULL OR name IS NOT NULL", name="someone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), index=True)
    # Walk-ins: a name given at the door, kept only with their consent.
    name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    rsvp: Mapped[str | None] = mapped_column(String(5))
    attended: Mapped[bool] = mapped_column(Boolean, default=False)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    action: Mapped[Action] = relationship(back_populates="attendees", lazy="raise_on_sql")
    resident = relationship("Resident", lazy="raise_on_sql")

    @property
    def display_name(self) -> str:
        return self.resident.display_name if self.resident_id else (self.name or "")


class PowerChange(db.Model):
    """A move on the power map decided in an action's evaluation (the history behind each point)."""

    __tablename__ = "power_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    campaign_actor_id: Mapped[int] = mapped_column(ForeignKey("campaign_actors.id", ondelete="CASCADE"), index=True)
    old_influence: Mapped[int] = mapped_column(Integer)
    new_influence: Mapped[int] = mapped_column(Integer)
    old_stance: Mapped[int] = mapped_column(Integer)
    new_stance: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    action: Mapped[Action] = relationship(back_populates="power_changes", lazy="raise_on_sql")
    campaign_actor: Mapped[CampaignActor] = relationship(lazy="raise_on_sql")


class CalendarToken(db.Model):
    """A secret calendar feed URL of one user; only its hash is stored, and it can be revoked."""

    __tablename__ = "calendar_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, so a person can tell their URLs apart.
    hint: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user = relationship("User", lazy="raise_on_sql")
