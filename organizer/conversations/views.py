"""Conversation pages: log what people said, keep promises, follow people up the ladder.

The routes live in views_*.py by area; each area's Routes are mounted on this one blueprint below."""

from flask import Blueprint, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from organizer.auth.models import Role
from organizer.auth.permissions import require_role
from organizer.conversations import services, views_commitments, views_doors, views_issues, views_meetings
from organizer.conversations.labels import ANSWER_LABELS, EVIDENCE_LABELS, RESULT_LABELS, STATUS_LABELS
from organizer.conversations.models import DoorKnock, HouseMeeting, OneOnOne
from organizer.conversations.views_common import PAGE_SIZE, TALKERS, _search_scope
from organizer.db import keyset_after
from organizer.extensions import db
from organizer.residents.labels import CONSENT_LABELS, STAGE_LABELS
from organizer.residents.models import Household

bp = Blueprint("conversations", __name__)
URL_PREFIX = "/conversations"
NAVIGATION = [
    ("conversations.index", _l("Conversations"), (Role.ORGANIZER, Role.LEADER, Role.CANVASSER), 30),
    ("conversations.follow_ups", _l("My follow-ups"), (), 35),
]


@bp.app_context_processor
def conversation_labels():
    """Labels the conversation templates (and the resident page partial) share."""
    return {
        "result_labels": RESULT_LABELS,
        "answer_labels": ANSWER_LABELS,
        "stage_labels": STAGE_LABELS,
        "evidence_labels": EVIDENCE_LABELS,
        "status_labels": STATUS_LABELS,
        "consent_labels": CONSENT_LABELS,
        "may_read_note": lambda sensitive, author_id: services.may_read_note(current_user, sensitive, author_id),
    }


# --- Recent conversations --------------------------------------------------------------------------------

KINDS = ("door", "one_on_one", "house_meeting")


@bp.route("/")
@require_role(Role.ORGANIZER, Role.LEADER, Role.CANVASSER)
def index():
    """Recent conversations of one kind, newest first, paged by keyset (?after=<id>)."""
    kind = request.args.get("kind", "door")
    if kind not in KINDS or not current_user.has_role(*TALKERS):
        kind = "door"
    after = request.args.get("after", type=int)
    model, column = {
        "door": (DoorKnock, DoorKnock.knocked_at),
        "one_on_one": (OneOnOne, OneOnOne.met_on),
        "house_meeting": (HouseMeeting, HouseMeeting.held_on),
    }[kind]
    options = {
        "door": (
            selectinload(DoorKnock.resident),
            selectinload(DoorKnock.canvasser),
            selectinload(DoorKnock.issues),
            selectinload(DoorKnock.household).selectinload(Household.address),
        ),
        "one_on_one": (
            selectinload(OneOnOne.resident),
            selectinload(OneOnOne.organizer),
            selectinload(OneOnOne.issues),
        ),
        "house_meeting": (
            selectinload(HouseMeeting.host),
            selectinload(HouseMeeting.issues),
            selectinload(HouseMeeting.attendees),
        ),
    }[kind]
    statement = select(model).options(*options).order_by(column.desc(), model.id.desc()).limit(PAGE_SIZE + 1)
    if not current_user.has_role(*TALKERS):
        statement = statement.where(
            or_(
                DoorKnock.canvasser_id == current_user.id,
                DoorKnock.household_id.in_(services.knockable_household_ids(current_user)),
            )
        )
    if after:
        cursor_row = db.session.execute(select(column, model.id).where(model.id == after)).first()
        if cursor_row is not None:
            statement = statement.where(keyset_after((column, model.id), tuple(cursor_row), descending=True))
    rows = list(db.session.scalars(statement))
    next_after = rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None
    return render_template(
        "conversations/index.html", kind=kind, rows=rows[:PAGE_SIZE], next_after=next_after, paged=bool(after)
    )


@bp.route("/residents.json")
@require_role()
def residents_json():
    """Resident search for the pickers: [{id, label}] for ?q= (folded name, every word)."""
    query = request.args.get("q", "")
    scope = _search_scope()
    residents = services.search_residents(query, limit=15, household_ids=scope) if len(query.strip()) >= 2 else []
    return jsonify([{"id": r.id, "label": services.resident_label(r)} for r in residents])


@bp.route("/residents")
@require_role()
def residents_lookup():
    """No-JavaScript resident search: a GET form listing matches with links back to the form that asked."""
    query = request.args.get("q", "").strip()
    residents = services.search_residents(query, limit=50, household_ids=_search_scope()) if query else []
    return render_template("conversations/residents_lookup.html", query=query, residents=residents)


# Each area's routes, mounted on this one blueprint (endpoints stay conversations.<view>).
for _area in (views_doors, views_meetings, views_issues, views_commitments):
    _area.routes.register_on(bp)
