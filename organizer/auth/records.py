"""The record-level rule: which residents, doors, turfs, conversations, meetings, commitments, actions and jobs a
person may see, and the one loader every route uses to fetch such a record by an id from the request.

Roles (organizer.auth.permissions) say which pages a person may open; this says which records those pages may
show them. Each feature declares the rule of its own records through its contribution (`record_scopes=`
in organizer/<feature>/contributions.py, organizer.kernel.contributions.RecordScope: model -> function(user)
returning a SQL condition, or None for "every record"); residents, households, addresses and turfs follow the
one turf rule (organizer.turfs.access). A record outside the viewer's scope is answered exactly like a record
that does not exist: 404, never 403, so ids cannot be probed. A model without a declared rule is refused (fail
closed)."""

from collections.abc import Iterable

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, false, select

from organizer.extensions import db
from organizer.kernel.contributions import RecordScope, registry


def scopes() -> dict[type, RecordScope]:
    """Every declared rule (the features' `record_scopes` contributions, gathered by create_app)."""
    return registry().record_scopes


def _viewer(user):
    user = current_user if user is None else user
    return user._get_current_object() if hasattr(user, "_get_current_object") else user


def condition(model: type, user=None):
    """The SQL condition restricting `model` to what `user` (default: the signed-in person) may see; None: all."""
    user = _viewer(user)
    if user is None or not getattr(user, "is_authenticated", False):
        return false()
    rule = scopes().get(model)
    if rule is None:
        raise LookupError(
            f"no record scope declared for {model.__name__} (record_scopes in its feature's CONTRIBUTION)"
        )
    return rule(user)


def visible(model: type, user=None, *entities) -> Select:
    """`select(model)` (or of `entities`) restricted to what `user` may see; filter, order and page it further."""
    query = select(*entities) if entities else select(model)
    where = condition(model, user)
    return query if where is None else query.where(where)


def visible_ids(model: type, user=None) -> Select:
    """A select of the ids of `model` that `user` may see (for IN (...) subqueries)."""
    return visible(model, user, model.id)


def find(model: type, record_id, *options, user=None):
    """The record if it exists and `user` may see it, else None (for optional references)."""
    if record_id is None:
        return None
    return db.session.scalar(visible(model, user).where(model.id == record_id).options(*options))


def load(model: type, record_id, *options, user=None):
    """The record named by an id from the request, or 404 when it does not exist or is outside the scope."""
    record = find(model, record_id, *options, user=user)
    if record is None:
        abort(404)
    return record


def load_all(model: type, record_ids: Iterable[int], *options, user=None) -> list:
    """Every record named by the request's ids (ticked boxes), in id order; 404 if any is missing or hidden."""
    wanted = sorted(set(record_ids))
    if not wanted:
        return []
    found = list(
        db.session.scalars(visible(model, user).where(model.id.in_(wanted)).options(*options).order_by(model.id))
    )
    if len(found) != len(wanted):
        abort(404)
    return found


def may_see(model: type, record_id, user=None) -> bool:
    """True when the record exists and `user` may see it."""
    if record_id is None:
        return False
    query = visible(model, user, model.id).where(model.id == record_id).limit(1)
    return db.session.scalar(query) is not None
