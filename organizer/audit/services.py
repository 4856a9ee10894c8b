"""The audit helper every feature calls."""

from flask import has_request_context, request
from flask_login import current_user

from organizer.audit.models import AuditEvent
from organizer.db import write_intent
from organizer.extensions import db

# Keys whose values could carry sensitive content are refused outright.
FORBIDDEN_DETAIL_KEYS = {"note", "notes", "password", "story", "self_interest", "support_level", "content"}


def _actor_id() -> int | None:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id
    return None


def _unwrap(target):
    # current_user is a proxy; the table name belongs to the object behind it.
    return target._get_current_object() if hasattr(target, "_get_current_object") else target


def record(action: str, target=None, *, actor_id: int | None = None, **details) -> AuditEvent:
    """Add an audit event to the current transaction: it commits or rolls back with the change.

    `target` is a model instance, or a (table name, id) pair for a record being erased."""
    event = _event(action, target, actor_id, details)
    db.session.add(event)
    db.session.flush()
    return event


def _event(action: str, target, actor_id: int | None, details: dict) -> AuditEvent:
    target = _unwrap(target)
    if isinstance(target, tuple):  # ("residents", 12): a record that is about to disappear
        target_type, target_id = target
    else:
        target_type = type(target).__tablename__ if target is not None else None
        target_id = getattr(target, "id", None)
    leaked = FORBIDDEN_DETAIL_KEYS & details.keys()
    if leaked:
        raise ValueError(f"audit details must not carry sensitive content: {sorted(leaked)}")
    return AuditEvent(
        action=action,
        actor_id=actor_id if actor_id is not None else _actor_id(),
        target_type=target_type,
        target_id=target_id,
        ip=request.remote_addr if has_request_context() else None,
        details=details,
    )


def record_now(action: str, target=None, **details) -> None:
    """Record and commit at once, in its own transaction: for reads (page views, downloads) on GET.

    The objects the page has loaded stay loaded: expiring them at this commit would make the page reload
    them one query at a time while it renders (1,566 queries for a turf of 300 doors)."""
    session = db.session()
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    try:
        # End the read transaction first: a SQLite read snapshot cannot be upgraded to a write safely.
        session.commit()
        with write_intent():
            session.add(_event(action, target, None, details))
            session.commit()
    finally:
        session.expire_on_commit = expire_on_commit
