"""The residents feature's own timeline entries: added (by hand or imported), edited, merged."""

from flask_babel import gettext as _
from sqlalchemy import select

from organizer.audit.models import AuditEvent
from organizer.auth.models import User
from organizer.extensions import db
from organizer.residents.models import Resident
from organizer.residents.timeline import TimelineEntry, timeline_source

FIELD_LABELS = {
    "do_not_contact": "do-not-contact",
    "household": "address",
}


@timeline_source
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
            fields = ", ".join(FIELD_LABELS.get(f, f.replace("_", " ")) for f in (details or {}).get("fields", []))
            entries.append(
                (rid, TimelineEntry(at=at, kind="edited", title=_("Edited by %(name)s", name=who), detail=fields))
            )
        else:
            entries.append(
                (rid, TimelineEntry(at=at, kind="merged", title=_("Duplicate merged in by %(name)s", name=who)))
            )
    return entries
