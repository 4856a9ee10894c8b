"""Conversation pages: log what people said, keep promises, follow people up the ladder."""

from datetime import UTC, date, datetime, time

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from organizer.audit import services as audit
from organizer.auth.models import Role, User
from organizer.auth.permissions import require_role
from organizer.conversations import services
from organizer.conversations.forms import (
    ANSWER_LABELS,
    CONSENT_LABELS,
    EVIDENCE_LABELS,
    RESULT_LABELS,
    STAGE_LABELS,
    STATUS_LABELS,
    CommitmentForm,
    DoorKnockForm,
    HouseMeetingForm,
    IssueForm,
    MergeIssuesForm,
    OneOnOneForm,
    RenameIssueForm,
    ResidentField,
    StageForm,
    StatusForm,
)
from organizer.conversations.models import (
    Assessment,
    Commitment,
    DoorKnock,
    HouseMeeting,
    HouseMeetingAttendee,
    Issue,
    OneOnOne,
    StageChange,
)
from organizer.db import keyset_after
from organizer.extensions import db
from organizer.residents.models import Household, Resident

bp = Blueprint("conversations", __name__)
URL_PREFIX = "/conversations"
NAVIGATION = [
    ("conversations.index", _l("Conversations"), (Role.ORGANIZER, Role.LEADER, Role.CANVASSER), 30),
    ("conversations.follow_ups", _l("My follow-ups"), (), 35),
]
TALKERS = (Role.ORGANIZER, Role.LEADER)  # may log one-on-ones, house meetings, commitments
PAGE_SIZE = 30


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


# --- Helpers ---------------------------------------------------------------------------------------------


def _get(model, object_id: int, *options):
    obj = db.session.scalar(select(model).where(model.id == object_id).options(*options))
    return obj if obj is not None else abort(404)


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
    known = {r.id: r for r in db.session.scalars(select(Resident).where(Resident.id.in_(ids)))} if ids else {}
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
    if current_user.has_role(*TALKERS):
        return None
    return services.knockable_household_ids(current_user)


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


def _version_conflict(obj, form) -> bool:
    try:
        return int(form.version.data or 0) != obj.version
    except ValueError:
        return True


def _value(value):
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(getattr(v, "name", v)) for v in value)
    return str(value)


def _conflict_rows(obj, form, extra: dict | None = None) -> list[tuple[str, str, str]]:
    """(label, saved meanwhile, yours) for every field that differs."""
    rows = []
    for f in form:
        if f.type in ("CSRFTokenField", "SubmitField", "HiddenField", "FieldList") or f.name in ("issue_ids",):
            continue
        name = f.name
        if not hasattr(obj, name):
            continue
        theirs, mine = getattr(obj, name), f.data
        if isinstance(theirs, (date, int)) and isinstance(mine, str):
            mine = mine or None
        if _value(theirs) != _value(mine):
            rows.append((str(f.label.text), _value(theirs), _value(mine)))
    for label, (theirs, mine) in (extra or {}).items():
        if _value(theirs) != _value(mine):
            rows.append((label, _value(theirs), _value(mine)))
    return rows


def _render_conflict(template: str, obj, form, extra=None, **context):
    """409: both versions side by side; the form keeps what this person typed, on top of the new version."""
    db.session.rollback()
    db.session.refresh(obj)
    rows = _conflict_rows(obj, form, extra)
    form.version.data = str(obj.version)
    return render_template(template, form=form, obj=obj, conflict=rows, **context), 409


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


# --- Door knocks -----------------------------------------------------------------------------------------


@bp.route("/door-knocks/new", methods=["GET", "POST"])
@require_role(Role.ORGANIZER, Role.LEADER, Role.CANVASSER)
def new_door_knock():
    """Log a door knock by hand (for a household, or through the resident who answered)."""
    form = DoorKnockForm()
    if request.method == "GET":
        form.household_id.data = request.args.get("household", "")
        form.resident_id.data = request.args.get("resident", type=int)
    fill_pickers(form)
    _fill_issues(form)
    resident = db.session.get(Resident, form.resident_id.data) if form.resident_id.data else None
    household_id = _int(form.household_id.data) or (resident.household_id if resident else None)
    household = (
        db.session.scalar(
            select(Household).where(Household.id == household_id).options(selectinload(Household.address))
        )
        if household_id
        else None
    )
    if household is not None:
        behind_the_door = db.session.scalars(
            select(Resident).where(Resident.household_id == household.id).order_by(Resident.name_key)
        )
        known = {value for value, _label in form.resident_id.choices}
        form.resident_id.choices += [(r.id, services.resident_label(r)) for r in behind_the_door if r.id not in known]
    if not _looking_up() and form.validate_on_submit():
        if household is None:
            form.resident_id.errors.append(_("Choose a resident whose address is known, or start from a door."))
        else:
            try:
                knock = services.log_door_knock(
                    household_id=household.id,
                    canvasser=current_user,
                    resident_id=resident.id if resident and resident.household_id == household.id else None,
                    knocked_at=_as_datetime(form.knocked_on.data),
                    result=form.result.data,
                    support_level=form.support_level.data,
                    issues=_issues(form),
                    note=form.note.data,
                    note_sensitive=form.note_sensitive.data,
                    follow_up=form.follow_up.data,
                )
            except services.ConversationError:
                db.session.rollback()
                flash(_("This door is not in a turf assigned to you."), "error")
                return render_template("conversations/door_knock_form.html", form=form, household=household), 403
            audit.record("door_knock.create", knock)
            db.session.commit()
            flash(_("Door knock saved."), "success")
            return redirect(url_for("conversations.index", kind="door"))
    return render_template("conversations/door_knock_form.html", form=form, household=household)


def _int(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _as_datetime(day: date) -> datetime:
    """A day entered on a form, at noon UTC (or now, when it is today)."""
    if day == date.today():
        return datetime.now(UTC)
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


# --- One-on-ones -----------------------------------------------------------------------------------------


def _one_on_one_data(form) -> dict:
    names = [name for name in services.ONE_ON_ONE_FIELDS if name in form._fields]
    data = {name: form[name].data for name in names}
    if data.get("answer") != "later" and not form.answer_by.data:
        data["answer_by"] = None
    return data


@bp.route("/one-on-ones/new", methods=["GET", "POST"])
@require_role(*TALKERS)
def new_one_on_one():
    """Log a one-on-one: the form follows the conversation."""
    form = OneOnOneForm()
    if request.method == "GET":
        form.resident_id.data = request.args.get("resident", type=int)
    fill_pickers(form)
    _fill_issues(form)
    if not _looking_up() and form.validate_on_submit():
        meeting = services.save_one_on_one(None, _one_on_one_data(form), _issues(form), current_user)
        audit.record("one_on_one.create", meeting)
        db.session.commit()
        flash(_("One-on-one saved."), "success")
        return redirect(url_for("conversations.one_on_one", meeting_id=meeting.id))
    return render_template("conversations/one_on_one_form.html", form=form, obj=None)


def _load_one_on_one(meeting_id: int) -> OneOnOne:
    return _get(
        OneOnOne,
        meeting_id,
        selectinload(OneOnOne.resident),
        selectinload(OneOnOne.referred_by),
        selectinload(OneOnOne.organizer),
        selectinload(OneOnOne.issues),
    )


@bp.route("/one-on-ones/<int:meeting_id>")
@require_role(*TALKERS)
def one_on_one(meeting_id: int):
    """One relational meeting (its story hidden from those who may not read it)."""
    meeting = _load_one_on_one(meeting_id)
    commitments = _commitments_from("one_on_one", meeting.id)
    return render_template("conversations/one_on_one.html", meeting=meeting, commitments=commitments)


@bp.route("/one-on-ones/<int:meeting_id>/edit", methods=["GET", "POST"])
@require_role(*TALKERS)
def edit_one_on_one(meeting_id: int):
    """Complete or correct a one-on-one; an edit made meanwhile by someone else is shown, not overwritten."""
    meeting = _load_one_on_one(meeting_id)
    if not services.may_read_note(current_user, meeting.note_sensitive, meeting.organizer_id):
        abort(403)
    form = OneOnOneForm(obj=meeting)
    if request.method == "GET":
        form.version.data = str(meeting.version)
        form.issue_ids.data = [issue.id for issue in meeting.issues]
    fill_pickers(form)
    _fill_issues(form)
    template = "conversations/one_on_one_form.html"
    if not _looking_up() and form.validate_on_submit():
        issues = _issues(form)
        extra = {_("Issues raised"): ([i.name for i in meeting.issues], [i.name for i in issues])}
        if _version_conflict(meeting, form):
            return _render_conflict(template, meeting, form, extra)
        try:
            services.save_one_on_one(meeting, _one_on_one_data(form), issues, current_user)
            audit.record("one_on_one.update", meeting)
            db.session.commit()
        except StaleDataError:
            return _render_conflict(template, meeting, form, extra)
        flash(_("One-on-one saved."), "success")
        return redirect(url_for("conversations.one_on_one", meeting_id=meeting.id))
    return render_template(template, form=form, obj=meeting)


# --- House meetings --------------------------------------------------------------------------------------


def _brought_by_choices(form) -> None:
    """Each line may have been brought by the host or by another line's person."""
    labels = dict(form.host_id.choices)
    names = []
    for index, entry in enumerate(form.attendees):
        sub = entry.form
        name = f"{sub.first_name.data or ''} {sub.last_name.data or ''}".strip()
        if sub.resident_id.data:
            name = dict(sub.resident_id.choices).get(sub.resident_id.data, name)
        names.append((f"line-{index}", name or _("line %(n)s", n=index + 1)))
    for index, entry in enumerate(form.attendees):
        host_label = _("the host")
        if form.host_id.data in labels:
            host_label = _("the host (%(name)s)", name=labels[form.host_id.data])
        entry.form.brought_by.choices = [("", "—"), ("host", host_label)] + [
            choice for choice in names if choice[0] != f"line-{index}"
        ]


def _attendee_inputs(form) -> list[services.AttendeeInput]:
    return [
        services.AttendeeInput(
            resident_id=sub.resident_id.data,
            first_name=sub.first_name.data or "",
            last_name=sub.last_name.data or "",
            consent_basis=sub.consent_basis.data or "",
            consent_method=sub.consent_method.data or "",
            brought_by=sub.brought_by.data or "",
            new_host=sub.new_host.data,
        )
        for sub in (entry.form for entry in form.attendees)
    ]


def _house_meeting_form(meeting: HouseMeeting | None) -> HouseMeetingForm:
    form = HouseMeetingForm(obj=meeting) if meeting and request.method == "GET" else HouseMeetingForm()
    if request.method == "GET" and meeting is not None:
        form.version.data = str(meeting.version)
        form.issue_ids.data = [issue.id for issue in meeting.issues]
        while len(form.attendees.entries):
            form.attendees.pop_entry()
        index_of = {a.resident_id: i for i, a in enumerate(meeting.attendees)}
        for attendee in meeting.attendees:
            brought = ""
            if attendee.brought_by_id == meeting.host_id and attendee.brought_by_id:
                brought = "host"
            elif attendee.brought_by_id in index_of:
                brought = f"line-{index_of[attendee.brought_by_id]}"
            elif attendee.brought_by_id:
                brought = f"r-{attendee.brought_by_id}"
            form.attendees.append_entry(
                {"resident_id": attendee.resident_id, "brought_by": brought, "new_host": attendee.new_host}
            )
        form.attendees.append_entry()
    elif request.method == "GET":
        form.host_id.data = request.args.get("host", type=int)
    if request.method == "POST" and request.form.get("add_line"):
        form.attendees.append_entry()
    fill_pickers(form)
    _fill_issues(form)
    _brought_by_choices(form)
    return form


@bp.route("/house-meetings/new", methods=["GET", "POST"])
@require_role(*TALKERS)
def new_house_meeting():
    """Log a house meeting: attendees picked or added on the spot (with their consent)."""
    form = _house_meeting_form(None)
    adding = request.form.get("add_line")
    if not _looking_up() and not adding and form.validate_on_submit():
        data = {name: form[name].data for name in ("host_id", "held_on", "place", "notes", "note_sensitive")}
        meeting = services.save_house_meeting(None, data, _issues(form), _attendee_inputs(form), current_user)
        audit.record("house_meeting.create", meeting, attendees=len(meeting.attendees))
        db.session.commit()
        flash(_("House meeting saved."), "success")
        return redirect(url_for("conversations.house_meeting", meeting_id=meeting.id))
    return render_template("conversations/house_meeting_form.html", form=form, obj=None)


def _load_house_meeting(meeting_id: int) -> HouseMeeting:
    return _get(
        HouseMeeting,
        meeting_id,
        selectinload(HouseMeeting.host),
        selectinload(HouseMeeting.issues),
        selectinload(HouseMeeting.organizer),
        selectinload(HouseMeeting.attendees).selectinload(HouseMeetingAttendee.resident),
        selectinload(HouseMeeting.attendees).selectinload(HouseMeetingAttendee.brought_by),
    )


@bp.route("/house-meetings/<int:meeting_id>")
@require_role(*TALKERS)
def house_meeting(meeting_id: int):
    """One house meeting: who came, who brought whom, what surfaced."""
    meeting = _load_house_meeting(meeting_id)
    commitments = _commitments_from("house_meeting", meeting.id)
    chain = services.brought_chain(meeting.host_id) if meeting.host_id else []
    ids = {rid for pair in chain for rid in pair}
    names = {r.id: r.display_name for r in db.session.scalars(select(Resident).where(Resident.id.in_(ids)))}
    return render_template(
        "conversations/house_meeting.html",
        meeting=meeting,
        commitments=commitments,
        chain=[(names.get(a, "?"), names.get(b, "?")) for a, b in chain],
    )


@bp.route("/house-meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@require_role(*TALKERS)
def edit_house_meeting(meeting_id: int):
    """Correct a house meeting (optimistic locking)."""
    meeting = _load_house_meeting(meeting_id)
    form = _house_meeting_form(meeting)
    template = "conversations/house_meeting_form.html"
    if not _looking_up() and not request.form.get("add_line") and form.validate_on_submit():
        if _version_conflict(meeting, form):
            return _render_conflict(template, meeting, form)
        data = {name: form[name].data for name in ("host_id", "held_on", "place", "notes", "note_sensitive")}
        try:
            services.save_house_meeting(meeting, data, _issues(form), _attendee_inputs(form), current_user)
            audit.record("house_meeting.update", meeting)
            db.session.commit()
        except StaleDataError:
            return _render_conflict(template, meeting, form)
        flash(_("House meeting saved."), "success")
        return redirect(url_for("conversations.house_meeting", meeting_id=meeting.id))
    return render_template(template, form=form, obj=meeting)


# --- Issues ----------------------------------------------------------------------------------------------


@bp.route("/issues", methods=["GET", "POST"])
@require_role(Role.ORGANIZER, Role.LEADER)
def issues():
    """The shared vocabulary of issues: add, rename, merge."""
    form = IssueForm(prefix="new")
    merge_form = MergeIssuesForm(prefix="merge", formdata=None)
    if form.validate_on_submit():
        issue = services.get_or_create_issue(form.name.data)
        db.session.commit()
        flash(_("Issue “%(name)s” is in the vocabulary.", name=issue.name), "success")
        return redirect(url_for("conversations.issues"))
    return _issues_page(form, merge_form)


def _issues_page(form, merge_form, status: int = 200):
    vocabulary = services.all_issues()
    choices = [(issue.id, issue.name) for issue in vocabulary]
    merge_form.source_id.choices = merge_form.target_id.choices = choices
    return (
        render_template(
            "conversations/issues.html",
            vocabulary=vocabulary,
            usage=services.issue_usage(),
            form=form,
            merge_form=merge_form,
            rename_form=RenameIssueForm,
        ),
        status,
    )


@bp.route("/issues/<int:issue_id>/rename", methods=["POST"])
@require_role(Role.ORGANIZER)
def rename_issue(issue_id: int):
    """Rename an issue everywhere it is tagged."""
    issue = _get(Issue, issue_id)
    form = RenameIssueForm(prefix=f"r{issue_id}")
    if not form.validate_on_submit():
        flash(_("Give the issue a name."), "error")
        return redirect(url_for("conversations.issues"))
    try:
        services.rename_issue(issue, form.name.data)
    except services.ConversationError:
        db.session.rollback()
        flash(_("Another issue already has this name: merge them instead."), "error")
        return redirect(url_for("conversations.issues"))
    audit.record("issue.rename", issue)
    db.session.commit()
    flash(_("Issue renamed."), "success")
    return redirect(url_for("conversations.issues"))


@bp.route("/issues/merge", methods=["POST"])
@require_role(Role.ORGANIZER)
def merge_issues():
    """Fold one issue into another, moving every tag."""
    merge_form = MergeIssuesForm(prefix="merge")
    merge_form.source_id.choices = merge_form.target_id.choices = [(i.id, i.name) for i in services.all_issues()]
    if not merge_form.validate_on_submit():
        return _issues_page(IssueForm(prefix="new", formdata=None), merge_form, 400)
    source, target = _get(Issue, merge_form.source_id.data), _get(Issue, merge_form.target_id.data)
    name = source.name
    moved = services.merge_issues(source, target)
    audit.record("issue.merge", target, merged_id=merge_form.source_id.data, links=moved)
    db.session.commit()
    flash(_("“%(source)s” merged into “%(target)s”.", source=name, target=target.name), "success")
    return redirect(url_for("conversations.issues"))


# --- Commitments -----------------------------------------------------------------------------------------


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


def _commitment_form(commitment: Commitment | None) -> CommitmentForm:
    form = CommitmentForm(obj=commitment) if commitment and request.method == "GET" else CommitmentForm()
    form.user_id.choices = _users_choices(blank=True)
    form.owner_id.choices = _users_choices()
    if request.method == "GET":
        if commitment is not None:
            form.version.data = str(commitment.version)
            form.direction.data = "us" if commitment.from_user_id else "resident"
            form.resident_id.data = commitment.resident_id
            form.user_id.data = commitment.from_user_id or commitment.to_user_id
        else:
            form.resident_id.data = request.args.get("resident", type=int)
            form.source_type.data = request.args.get("source_type", "")
            form.source_id.data = request.args.get("source_id", "")
            form.owner_id.data = current_user.id
            form.user_id.data = current_user.id
    fill_pickers(form)
    return form


def _commitment_data(form) -> dict:
    us = form.direction.data == "us"
    data = {
        "from_resident_id": None if us else form.resident_id.data,
        "to_resident_id": form.resident_id.data if us else None,
        "from_user_id": (form.user_id.data or current_user.id) if us else None,
        "to_user_id": None if us else form.user_id.data,
        "what": form.what.data,
        "due_on": form.due_on.data,
        "owner_id": form.owner_id.data,
        "status": form.status.data or "open",
    }
    if form.source_type.data in ("one_on_one", "house_meeting", "door_knock", "action", "meeting"):
        data["source_type"], data["source_id"] = form.source_type.data, _int(form.source_id.data)
    return data


@bp.route("/commitments")
@require_role(*TALKERS)
def commitments():
    """Every commitment, open first (by due date), with a filter on status."""
    status = request.args.get("status", "open")
    statement = select(Commitment).options(*_commitment_options())
    if status in STATUS_LABELS:
        statement = statement.where(Commitment.status == status)
    rows = db.session.scalars(
        statement.order_by(Commitment.due_on.is_(None), Commitment.due_on, Commitment.id).limit(500)
    ).all()
    return render_template(
        "conversations/commitments.html", commitments=rows, status=status, today=date.today(), status_form=StatusForm
    )


@bp.route("/commitments/new", methods=["GET", "POST"])
@require_role(*TALKERS)
def new_commitment():
    """Record a promise, a resident's or ours."""
    form = _commitment_form(None)
    if not _looking_up() and form.validate_on_submit():
        commitment = services.save_commitment(None, _commitment_data(form), current_user)
        audit.record("commitment.create", commitment)
        db.session.commit()
        flash(_("Commitment saved."), "success")
        return redirect(_back_url(url_for("conversations.commitments")))
    return render_template("conversations/commitment_form.html", form=form, obj=None)


def _back_url(default: str) -> str:
    from organizer.security import is_safe_next

    target = request.values.get("next")
    return target if is_safe_next(target) else default


@bp.route("/commitments/<int:commitment_id>/edit", methods=["GET", "POST"])
@require_role(*TALKERS)
def edit_commitment(commitment_id: int):
    """Change a commitment (optimistic locking)."""
    commitment = _get(Commitment, commitment_id, *_commitment_options())
    form = _commitment_form(commitment)
    template = "conversations/commitment_form.html"
    if not _looking_up() and form.validate_on_submit():
        if _version_conflict(commitment, form):
            return _render_conflict(template, commitment, form)
        try:
            services.save_commitment(commitment, _commitment_data(form), current_user)
            audit.record("commitment.update", commitment)
            db.session.commit()
        except StaleDataError:
            return _render_conflict(template, commitment, form)
        flash(_("Commitment saved."), "success")
        return redirect(_back_url(url_for("conversations.commitments")))
    return render_template(template, form=form, obj=commitment)


@bp.route("/commitments/<int:commitment_id>/status", methods=["POST"])
@require_role()
def commitment_status(commitment_id: int):
    """Mark done (or dropped, or reopen) from a list; canvassers only for commitments they follow up."""
    commitment = _get(Commitment, commitment_id)
    mine = current_user.id in (commitment.owner_id, commitment.from_user_id)
    if not (mine or current_user.has_role(*TALKERS)):
        abort(403)
    form = StatusForm()
    if not form.validate_on_submit() or form.status.data not in STATUS_LABELS:
        abort(400)
    if form.version.data and _version_conflict(commitment, form):
        flash(_("Someone else changed this commitment meanwhile: check it and try again."), "error")
        return redirect(_back_url(url_for("conversations.follow_ups")), code=303)
    try:
        services.set_commitment_status(commitment, form.status.data)
        audit.record("commitment.status", commitment, status=form.status.data)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        flash(_("Someone else changed this commitment meanwhile: check it and try again."), "error")
        return redirect(_back_url(url_for("conversations.follow_ups")), code=303)
    flash(_("“%(what)s”: %(status)s.", what=commitment.what, status=STATUS_LABELS[commitment.status]), "success")
    return redirect(_back_url(url_for("conversations.follow_ups")))


@bp.route("/follow-ups")
@require_role()
def follow_ups():
    """My follow-ups: overdue first, due this week, then the rest; and one-on-ones to follow up."""
    today = date.today()
    return render_template(
        "conversations/follow_ups.html",
        follow=services.follow_ups(current_user, today),
        today=today,
        status_form=StatusForm,
    )


# --- Leadership ladder -----------------------------------------------------------------------------------


@bp.route("/ladder/<int:resident_id>", methods=["GET", "POST"])
@require_role(*TALKERS)
def ladder(resident_id: int):
    """Where a resident stands on the ladder, every move with its evidence, and the assessments over time."""
    resident = _get(Resident, resident_id)
    form = StageForm()
    status = 200
    if request.method == "GET":
        form.to_stage.data = _next_stage(resident.leadership_stage)
    if request.method == "POST":
        if not current_user.has_role(Role.ORGANIZER):
            abort(403)
        if form.validate_on_submit():
            try:
                change = services.move_stage(
                    resident, form.to_stage.data, form.evidence_kind.data, form.evidence.data, current_user
                )
            except services.ConversationError:
                db.session.rollback()
                form.to_stage.errors = [_("They are already at this stage.")]
                status = 400
            else:
                audit.record("resident.stage", resident, to_stage=change.to_stage, evidence_kind=change.evidence_kind)
                db.session.commit()
                flash(_("%(name)s is now: %(stage)s.", name=resident.display_name, stage=STAGE_LABELS[change.to_stage]))
                return redirect(url_for("conversations.ladder", resident_id=resident.id))
        else:
            status = 400
    history = db.session.scalars(
        select(StageChange)
        .where(StageChange.resident_id == resident.id)
        .options(selectinload(StageChange.by))
        .order_by(StageChange.changed_at.desc(), StageChange.id.desc())
    ).all()
    assessments = db.session.scalars(
        select(Assessment)
        .where(Assessment.resident_id == resident.id)
        .options(selectinload(Assessment.by))
        .order_by(Assessment.assessed_at.desc(), Assessment.id.desc())
    ).all()
    hosted = db.session.scalar(select(db.func.count()).where(HouseMeeting.host_id == resident.id))
    brought = db.session.scalar(select(db.func.count()).where(HouseMeetingAttendee.brought_by_id == resident.id))
    return (
        render_template(
            "conversations/ladder.html",
            resident=resident,
            form=form,
            history=history,
            assessments=assessments,
            hosted=hosted,
            brought=brought,
            stages=list(STAGE_LABELS),
        ),
        status,
    )


def _next_stage(stage: str | None) -> str:
    stages = list(STAGE_LABELS)
    index = stages.index(stage) if stage in stages else 0
    return stages[min(index + 1, len(stages) - 1)]


# The resident page's timeline reads conversations through these sources (registered on import).
from organizer.conversations import timeline as _timeline  # noqa: E402, F401
