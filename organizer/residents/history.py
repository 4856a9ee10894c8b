"""The residents feature's own timeline entries: added (by hand or imported), edited, merged."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from organizer.audit.models import AuditEvent
from organizer.auth.models import User
from organizer.extensions import db
from organizer.kernel.contributions import TimelineEntry
from organizer.residents.models import Resident

FIELD_LABELS = {
    "first_name": _l("First name"),
    "last_name": _l("Last name"),
    "birth_name": _l("Birth name"),
    "preferred_name": _l("Preferred name"),
    "phone": _l("Phone"),
    "phone_alt": _l("Other phone"),
    "email": _l("E-mail"),
    "languages": _l("Languages"),
    "birth_date": _l("Birth date"),
    "support_level": _l("Support level"),
    "leadership_stage": _l("Leadership stage"),
    "self_interest": _l("Self-interest"),
    "data_source": _l("Data source"),
    "consent_basis": _l("Legal basis"),
    "purpose": _l("Purpose of the data"),
    "consent_date": _l("Consent date"),
    "consent_method": _l("How consent was obtained"),
    "quote_consent": _l("May be quoted anonymously"),
    "do_not_contact": _l("Do not contact"),
    "point_person_id": _l("Point person"),
    "note": _l("Note"),
    "note_sensitive": _l("Note"),
    "household": _l("Address"),
}


def record_history(resident_ids: list[int], viewer) -> list[tuple[int, TimelineEntry]]:
    """When each resident was added (and from which source), edited and merged."""
    entries = []
    for rid, created_at, source, created_by in db.session.execute(
        select(Resident.id, Resident.created_at, Resident.data_source, User.display_name)
        .outerjoin(User, User.id == Resident.created_by_id)
        .where(Resident.id.in_(resident_ids))
    ):
        title = _("Added by %(name)s", name=created_by) if created_by else _("Added")
        entries.append((rid, TimelineEntry(at=created_at, kind="created", title=title, detail=source)))
    events = db.session.execute(
        select(AuditEvent.target_id, AuditEvent.at, AuditEvent.action, AuditEvent.details, User.display_name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(
            AuditEvent.target_type == "residents",
            AuditEvent.target_id.in_(resident_ids),
            AuditEvent.action.in_(("resident.update", "resident.merge")),
        )
    )
    for rid, at, action, details, actor in events:
        who = actor or _("someone")
        if action == "resident.update":
            names = (details or {}).get("fields", [])
            fields = ", ".join(dict.fromkeys(str(FIELD_LABELS.get(f, f.replace("_", " "))) for f in names))
            entries.append(
                (rid, TimelineEntry(at=at, kind="edited", title=_("Edited by %(name)s", name=who), detail=fields))
            )
        else:
            entries.append(
                (rid, TimelineEntry(at=at, kind="merged", title=_("Duplicate merged in by %(name)s", name=who)))
            )
    return entries
