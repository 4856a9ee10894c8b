"""Record every change to a resident's fields as a ResidentRevision, whichever feature made it."""

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from organizer.privacy.models import ResidentRevision
from organizer.residents.models import Resident

# Bookkeeping columns: derived or technical, not the person's data.
UNTRACKED = {
    "id",
    "version",
    "created_at",
    "updated_at",
    "name_key",
    "sort_key",
    "updated_by_id",
    "last_contacted_at",
}


def _as_text(value) -> str | None:
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _changed_by() -> int | None:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id
    return None


def install(_app=None) -> None:
    """Listen to every session's flushes (once per process; run by create_app through privacy's contributions)."""
    if not event.contains(Session, "before_flush", record_resident_revisions):
        event.listen(Session, "before_flush", record_resident_revisions)


def record_resident_revisions(session: Session, _context, _instances) -> None:
    """Add one revision per changed column of every resident being updated."""
    for obj in list(session.dirty):
        if not isinstance(obj, Resident) or not session.is_modified(obj, include_collections=False):
            continue
        state = inspect(obj)
        for attribute in state.mapper.column_attrs:
            if attribute.key in UNTRACKED:
                continue
            history = state.attrs[attribute.key].history
            if not history.has_changes():
                continue
            # The old value is unknown (None) only if the attribute was never loaded before being set.
            old = _as_text(history.deleted[0]) if history.deleted else None
            new = _as_text(history.added[0]) if history.added else None
            if old != new:
                session.add(
                    ResidentRevision(
                        resident_id=obj.id,
                        field=attribute.key,
                        old_value=old,
                        new_value=new,
                        changed_by_id=_changed_by(),
                    )
                )
