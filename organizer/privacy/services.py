"""Subject rights: access (export), objection, erasure, retention."""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from organizer.audit import services as audit
from organizer.db import utcnow
from organizer.extensions import db
from organizer.kernel.contributions import registry
from organizer.privacy.models import ResidentRevision
from organizer.residents.models import Address, Household, Resident


def _load(resident_id: int) -> Resident | None:
    return db.session.scalar(
        select(Resident)
        .where(Resident.id == resident_id)
        .options(
            selectinload(Resident.tags),
            selectinload(Resident.issues),
            selectinload(Resident.household).selectinload(Household.address),
        )
    )


def revisions(resident_id: int) -> list[ResidentRevision]:
    """The rectification history, oldest first."""
    return db.session.scalars(
        select(ResidentRevision).where(ResidentRevision.resident_id == resident_id).order_by(ResidentRevision.id)
    ).all()


def subject_access(resident_id: int) -> dict:
    """Everything held about one person, as plain data (JSON-ready)."""
    resident = _load(resident_id)
    columns = {c.key: getattr(resident, c.key) for c in Resident.__table__.columns if c.key != "name_key"}
    data = {key: (value.isoformat() if hasattr(value, "isoformat") else value) for key, value in columns.items()}
    address: Address | None = resident.household.address if resident.household else None
    data["address"] = (
        {
            "number": address.number,
            "suffix": address.suffix,
            "street": address.street,
            "building": address.building,
            "staircase": address.staircase,
            "floor": address.floor,
            "door": address.door,
            "postcode": address.postcode,
            "city": address.city,
        }
        if address
        else None
    )
    data["tags"] = sorted(tag.name for tag in resident.tags)
    data["issues"] = sorted(issue.name for issue in resident.issues)
    data["rectifications"] = [
        {"at": r.changed_at.isoformat(), "field": r.field, "old": r.old_value, "new": r.new_value}
        for r in revisions(resident_id)
    ]
    for section in registry().subject_sections:
        title, rows = section(resident)
        data[title] = rows
    return data


def record_objection(resident: Resident) -> None:
    """The person objects: do-not-contact everywhere at once (lists, sheets, exports, sign-in sheets)."""
    if not resident.do_not_contact:
        resident.do_not_contact = True
        resident.do_not_contact_at = utcnow()
    audit.record("resident.objection", resident)


def erase_residents(resident_ids: list[int], reason: str) -> dict[str, int]:
    """Remove everything about these people; anonymous counts stay. Audited by id only (pseudonymous)."""
    if not resident_ids:
        return {"residents": 0}
    counts: dict[str, int] = {}
    for function in registry().erasers:
        for key, value in function(resident_ids).items():
            counts[key] = counts.get(key, 0) + value
    for resident_id in resident_ids:
        audit.record("resident.erase", ("residents", resident_id), reason=reason)
    result = db.session.execute(delete(Resident).where(Resident.id.in_(resident_ids)))
    counts["residents"] = result.rowcount
    db.session.flush()
    return counts


def retention_cutoff(now: datetime | None = None) -> datetime:
    """Residents with no contact since this moment are past the retention period."""
    months = int(current_app.config["RETENTION_MONTHS"])
    return (now or utcnow()) - timedelta(days=round(months * 30.44))


def past_retention(now: datetime | None = None) -> list[Resident]:
    """Residents whose last contact (or, never contacted, their creation) is older than the retention period."""
    last_seen = func.coalesce(Resident.last_contacted_at, Resident.created_at)
    return db.session.scalars(
        select(Resident).where(last_seen < retention_cutoff(now)).order_by(last_seen, Resident.id)
    ).all()
