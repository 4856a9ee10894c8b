"""Addresses, households (one door) and residents: the people database."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from organizer.db import TimestampMixin, VersionedMixin
from organizer.extensions import db
from organizer.kernel.time import UTCDateTime

LEADERSHIP_STAGES = ("contact", "supporter", "volunteer", "leader", "core_leader")
# Legal bases (GDPR art. 6): "electoral_list" is data from the electoral list, usable for electoral
# communication only (French electoral code, art. L. 37 and R. 16).
CONSENT_BASES = ("consent", "legitimate_interest", "membership", "electoral_list")

resident_tags = Table(
    "resident_tags",
    db.metadata,
    Column("resident_id", ForeignKey("residents.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)

resident_issues = Table(
    "resident_issues",
    db.metadata,
    Column("resident_id", ForeignKey("residents.id", ondelete="CASCADE"), primary_key=True),
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


class Address(TimestampMixin, db.Model):
    """A place one can knock at: number + suffix on a street, down to the door."""

    __tablename__ = "addresses"
    __table_args__ = (
        Index("ix_addresses_street_number", "street_key", "number", "suffix"),
        Index("ix_addresses_source_id", "source_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int | None] = mapped_column(Integer)
    # Normalised lower-case: "bis", "ter", "quater", "a", "b"...
    suffix: Mapped[str | None] = mapped_column(String(10))
    street: Mapped[str] = mapped_column(String(200))
    # Accent- and case-free, abbreviations expanded: what matching and sorting use.
    street_key: Mapped[str] = mapped_column(String(200))
    building: Mapped[str | None] = mapped_column(String(40))
    staircase: Mapped[str | None] = mapped_column(String(20))
    floor: Mapped[str | None] = mapped_column(String(20))
    door: Mapped[str | None] = mapped_column(String(20))
    access_notes: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(120))
    insee_code: Mapped[str | None] = mapped_column(String(5))
    # Ward, bureau de vote or any imported column that cuts the city.
    area: Mapped[str | None] = mapped_column(String(80), index=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    # Identifier in the file it came from (BAN cle_interop, ...).
    source_id: Mapped[str | None] = mapped_column(String(80))
    turf_id: Mapped[int | None] = mapped_column(ForeignKey("turfs.id", ondelete="SET NULL"), index=True)

    households: Mapped[list["Household"]] = relationship(back_populates="address", lazy="raise_on_sql")
    turf = relationship("Turf", back_populates="addresses", lazy="raise_on_sql")


class Household(TimestampMixin, db.Model):
    """The people behind one door; one block on a walk sheet."""

    __tablename__ = "households"

    id: Mapped[int] = mapped_column(primary_key=True)
    address_id: Mapped[int] = mapped_column(ForeignKey("addresses.id", ondelete="CASCADE"), index=True)
    # A name on the letterbox, "2e gauche"...: what tells two doors of one address apart.
    label: Mapped[str | None] = mapped_column(String(120))

    address: Mapped[Address] = relationship(back_populates="households", lazy="raise_on_sql")
    residents: Mapped[list["Resident"]] = relationship(back_populates="household", lazy="raise_on_sql")


class Tag(db.Model):
    """A free label on residents (locataire, parent d'élève...)."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)


class Resident(TimestampMixin, VersionedMixin, db.Model):
    """A person the organization knows; special-category data under GDPR art. 9."""

    __tablename__ = "residents"
    __table_args__ = (
        Index("ix_residents_name_key", "name_key"),
        Index("ix_residents_email", "email"),
        Index("ix_residents_phone", "phone"),
        Index("ix_residents_sort_key", "sort_key", "id"),
        Index("ix_residents_source_id", "source_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    birth_name: Mapped[str | None] = mapped_column(String(100))
    preferred_name: Mapped[str | None] = mapped_column(String(100))
    # "helene dupont": accent- and case-free, for search and duplicate detection.
    name_key: Mapped[str] = mapped_column(String(210), default="")
    # "dupont helene": folded last name then first name, the list's order (keyset pagination on it + id).
    sort_key: Mapped[str] = mapped_column(String(210), default="", server_default="")
    # Identifier in the file it was imported from (NationBuilder id, electoral list number...).
    source_id: Mapped[str | None] = mapped_column(String(80))
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164
    phone_alt: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    languages: Mapped[str | None] = mapped_column(String(80))  # "fr,ar"
    birth_date: Mapped[date | None] = mapped_column(Date)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id", ondelete="SET NULL"), index=True)
    support_level: Mapped[int | None] = mapped_column(Integer)
    leadership_stage: Mapped[str] = mapped_column(String(20), default="contact")
    self_interest: Mapped[str | None] = mapped_column(Text)
    # Where we got them: "porte-à-porte 2026-03", "liste électorale 2025", "import NationBuilder".
    data_source: Mapped[str] = mapped_column(String(200))
    consent_basis: Mapped[str | None] = mapped_column(String(30))
    consent_date: Mapped[date | None] = mapped_column(Date)
    consent_method: Mapped[str | None] = mapped_column(String(200))
    # What the organization keeps this person's data for ("campaign on rents", "electoral communication").
    purpose: Mapped[str | None] = mapped_column(String(200))
    # May their words be quoted (anonymously) in public reports?
    quote_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    do_not_contact: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # May we e-mail them (confirmations, reminders)? Given with the box on a public sign-up page, withdrawn by
    # the unsubscribe link of any message; do_not_contact (an objection) overrides it.
    email_consent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    email_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    do_not_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_contacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    point_person_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Free note about the person; may be marked sensitive (organizers and admins only).
    note: Mapped[str | None] = mapped_column(Text)
    note_sensitive: Mapped[bool] = mapped_column(Boolean, default=False)

    household: Mapped[Household | None] = relationship(back_populates="residents", lazy="raise_on_sql")
    tags: Mapped[list[Tag]] = relationship(secondary=resident_tags, lazy="raise_on_sql")
    issues = relationship("Issue", secondary=resident_issues, lazy="raise_on_sql")
    point_person = relationship("User", foreign_keys=[point_person_id], lazy="raise_on_sql")

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.first_name
        return f"{first} {self.last_name}".strip()


class ResidentMerge(db.Model):
    """One merge, kept so that it can be undone for MERGE_UNDO_DAYS: the folded-in resident's row as it was,
    the kept resident's values it replaced, and every row that was moved from one to the other.

    It holds personal data (the erased twin): erasing the kept resident erases it, and it is deleted once
    it can no longer be undone."""

    __tablename__ = "resident_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    keep_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"), index=True)
    other_id: Mapped[int] = mapped_column(Integer)
    # {"other": {column: value}, "keep_before": {column: value}, "keep_after": {...}, "moved": [...], "links": [...]}
    snapshot: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SavedSearch(db.Model):
    """A named set of list filters ("Locataires rue Joffre jamais contactés"): private to its owner or shared
    with everyone who may see the list. Only the filters are kept, so it always shows today's residents."""

    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    # The list's query arguments: {"q": "joffre", "tag": 3, "contacted": "never"}.
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
