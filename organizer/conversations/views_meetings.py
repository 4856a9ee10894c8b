"""One-on-ones and house meetings: log, read, edit."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from organizer.auth.permissions import require_role
from organizer.conversations import services
from organizer.conversations.forms import HouseMeetingForm, OneOnOneForm
from organizer.conversations.models import HouseMeeting, HouseMeetingAttendee, OneOnOne
from organizer.conversations.views_common import (
    TALKERS,
    _commitments_from,
    _fill_issues,
    _get,
    _issue_names,
    _issues,
    _looking_up,
    fill_pickers,
)
from organizer.extensions import db
from organizer.kernel.routes import Routes
from organizer.kernel.unit_of_work import check_version, commit, unit_of_work
from organizer.residents.models import Resident

routes = Routes()


# --- One-on-ones -----------------------------------------------------------------------------------------


def _one_on_one_data(form) -> dict:
    names = [name for name in services.ONE_ON_ONE_FIELDS if name in form._fields]
    data = {name: form[name].data for name in names}
    if data.get("answer") != "later" and not form.answer_by.data:
        data["answer_by"] = None
    return data


@routes.route("/one-on-ones/new", methods=["GET", "POST"])
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
        commit()
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


@routes.route("/one-on-ones/<int:meeting_id>")
@require_role(*TALKERS)
def one_on_one(meeting_id: int):
    """One relational meeting (its story hidden from those who may not read it)."""
    meeting = _load_one_on_one(meeting_id)
    commitments = _commitments_from("one_on_one", meeting.id)
    return render_template("conversations/one_on_one.html", meeting=meeting, commitments=commitments)


@routes.route("/one-on-ones/<int:meeting_id>/edit", methods=["GET", "POST"])
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
        mine = ", ".join(issue.name for issue in issues) or "—"
        with unit_of_work(meeting, form, rows=lambda saved: [(_("Issues raised"), mine, _issue_names(saved))]):
            check_version(meeting, form.version.data)
            services.save_one_on_one(meeting, _one_on_one_data(form), issues, current_user)
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


@routes.route("/house-meetings/new", methods=["GET", "POST"])
@require_role(*TALKERS)
def new_house_meeting():
    """Log a house meeting: attendees picked or added on the spot (with their consent)."""
    form = _house_meeting_form(None)
    adding = request.form.get("add_line")
    if not _looking_up() and not adding and form.validate_on_submit():
        data = {name: form[name].data for name in ("host_id", "held_on", "place", "notes", "note_sensitive")}
        meeting = services.save_house_meeting(None, data, _issues(form), _attendee_inputs(form), current_user)
        commit()
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


@routes.route("/house-meetings/<int:meeting_id>")
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


@routes.route("/house-meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@require_role(*TALKERS)
def edit_house_meeting(meeting_id: int):
    """Correct a house meeting (optimistic locking)."""
    meeting = _load_house_meeting(meeting_id)
    form = _house_meeting_form(meeting)
    template = "conversations/house_meeting_form.html"
    if not _looking_up() and not request.form.get("add_line") and form.validate_on_submit():
        data = {name: form[name].data for name in ("host_id", "held_on", "place", "notes", "note_sensitive")}
        with unit_of_work(meeting, form):
            check_version(meeting, form.version.data)
            services.save_house_meeting(meeting, data, _issues(form), _attendee_inputs(form), current_user)
        flash(_("House meeting saved."), "success")
        return redirect(url_for("conversations.house_meeting", meeting_id=meeting.id))
    return render_template(template, form=form, obj=meeting)
