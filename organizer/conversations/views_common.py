"""What the conversation pages share: who may talk, record loading, resident pickers, conflicts."""

from flask import request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from organizer.auth import records
from organizer.auth.models import Role, User
from organizer.conversations import services
from organizer.conversations.forms import ResidentField
from organizer.conversations.models import Commitment, Issue
from organizer.extensions import db
from organizer.params import BadParameter, parse_int
from organizer.residents.models import Household, Resident
from organizer.residents.services import with_address

TALKERS = (Role.ORGANIZER, Role.LEADER)  # may log one-on-ones, house meetings, commitments
PAGE_SIZE = 30

# --- Helpers ---------------------------------------------------------------------------------------------


def _get(model, object_id: int, *options):
    """The record if the viewer may see it, else 404 (organizer.auth.records)."""
    return records.load(model, object_id, *options)


def _resident_fields(form):
    """Every resident picker of a form, including those inside attendee lines."""
    fields = []
    for f in form:
        if isinstance(f, ResidentField):
            fields.append(f)
        elif f.type == "FieldList":
            fields.extend(sub for entry in f for sub in entry.form if isinstance(sub, ResidentField))
    return fields


def fill_pickers(form) -> None:
    """Give each resident picker its options: the current choice, plus matches for its search box (no-JS path)."""
    pickers = _resident_fields(form)
    ids = {f.data for f in pickers if f.data}
    visible = records.visible(Resident).where(Resident.id.in_(ids)).options(with_address())
    known = {r.id: r for r in db.session.scalars(visible)} if ids else {}
    for f in pickers:
        options = [("", "—")]
        if f.data in known:
            options.append((known[f.data].id, services.resident_label(known[f.data])))
        query = request.values.get(f"{f.name}_q", "").strip()
        f.query = query
        for resident in services.search_residents(query, household_ids=_search_scope()) if query else []:
            if resident.id != f.data:
                options.append((resident.id, services.resident_label(resident)))
        f.choices = options
        if f.data and f.data not in known:
            f.data = None


def _search_scope():
    """Canvassers find only the residents behind the doors of their current turfs."""
    if records.condition(Household) is None:
        return None
    return records.visible_ids(Household)


def _looking_up() -> bool:
    """The form was sent by a picker's Search button (no JavaScript): show matches, save nothing."""
    return request.method == "POST" and "lookup" in request.form


def _fill_issues(form) -> None:
    form.issue_ids.choices = [(issue.id, issue.name) for issue in services.all_issues()]


def _issues(form) -> list[Issue]:
    return services.issues_from(form.issue_ids.data, form.new_issues.data)


def _users_choices(blank: bool = False):
    users = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.display_name))
    choices = [(u.id, u.display_name) for u in users]
    return ([("", "—")] if blank else []) + choices


def _int(value):
    """A hidden field's id, or None when blank or not an id."""
    try:
        return parse_int(value, "id")
    except BadParameter:
        return None


def _commitment_options():
    return (
        selectinload(Commitment.from_resident),
        selectinload(Commitment.to_resident),
        selectinload(Commitment.from_user),
        selectinload(Commitment.to_user),
        selectinload(Commitment.owner),
    )


def _commitments_from(source_type: str, source_id: int) -> list[Commitment]:
    return list(
        db.session.scalars(
            select(Commitment)
            .where(Commitment.source_type == source_type, Commitment.source_id == source_id)
            .options(*_commitment_options())
            .order_by(Commitment.due_on, Commitment.id)
        )
    )


def _issue_names(record) -> str:
    return ", ".join(issue.name for issue in record.issues) or "—"
