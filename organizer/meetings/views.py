"""Meetings pages: list, create (blank or from a template), the meeting (agenda, roles, attendees, minutes),
templates, and the printed agenda and sign-in sheet. Thin: parse, call services, render."""

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from organizer.audit import services as audit
from organizer.auth import records
from organizer.auth.models import Role, User
from organizer.auth.permissions import require_role
from organizer.db import write_intent
from organizer.extensions import db
from organizer.kernel.contributions import sections_for
from organizer.kernel.unit_of_work import check_version, commit, unit_of_work
from organizer.meetings import commitments, printing, services
from organizer.meetings.forms import (
    KIND_LABELS,
    ROLE_LABELS,
    RSVP_LABELS,
    ActionItemForm,
    ItemForm,
    MeetingForm,
    MinutesForm,
    PostForm,
    SaveTemplateForm,
    SignInSheetForm,
)
from organizer.meetings.models import (
    RSVP_STATUSES,
    AgendaItem,
    Meeting,
    MeetingResident,
    MeetingTemplate,
    MinutesActionItem,
)
from organizer.params import int_arg
from organizer.printing.pdf import pdf_response
from organizer.residents import lists
from organizer.residents.models import Resident, SavedSearch

bp = Blueprint("meetings", __name__)
URL_PREFIX = "/meetings"
NAVIGATION = [("meetings.index", _l("Meetings"), (Role.ORGANIZER, Role.LEADER), 40)]
EDITORS = (Role.ORGANIZER, Role.LEADER)


# --- helpers ----------------------------------------------------------------------------------------------
def _active_users() -> list[User]:
    """Active accounts by name, read once per request."""
    if "meetings_users" not in g:
        g.meetings_users = list(
            db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.display_name))
        )
    return g.meetings_users


def _meeting_or_404(meeting_id: int) -> Meeting:
    # A meeting the person is not invited to answers like one that does not exist (organizer.auth.records).
    return records.load(Meeting, meeting_id, *services.meeting_page_options())


def _readable(meeting_id: int) -> Meeting:
    return _meeting_or_404(meeting_id)


def _item_or_404(meeting: Meeting, item_id: int) -> AgendaItem:
    item = next((item for item in meeting.items if item.id == item_id), None)
    if item is None:
        abort(404)
    return item


def _check_post() -> None:
    if not PostForm().validate_on_submit():
        abort(400)


def _to_show(meeting: Meeting, anchor: str = ""):
    return redirect(url_for("meetings.show", meeting_id=meeting.id) + (f"#{anchor}" if anchor else ""))


def _who_choices(meeting: Meeting) -> list[tuple[str, str]]:
    """Attendees first (users and residents), then every active user."""
    choices = [("", "—")]
    seen = set()
    for row in sorted(meeting.resident_attendees, key=lambda r: r.resident.display_name.lower()):
        if not row.resident.do_not_contact:
            choices.append((f"r:{row.resident_id}", row.resident.display_name))
    for user in _active_users():
        if user.id not in seen:
            choices.append((f"u:{user.id}", user.display_name))
            seen.add(user.id)
    return choices


def _meeting_form(meeting: Meeting | None = None, formdata=None) -> MeetingForm:
    form = MeetingForm(formdata=formdata) if formdata is not None else MeetingForm()
    form.set_user_choices(_active_users())
    form.template_id.choices = [(None, _("Blank agenda"))] + [
        (template.id, services.builtin_translator(template)(template.name)) for template in services.list_templates()
    ]
    if meeting is not None and not form.is_submitted():
        local = services.to_local(meeting.starts_at)
        for name in (
            "title",
            "purpose",
            "duration_minutes",
            "place",
            "chair_id",
            "facilitator_id",
            "note_taker_id",
            "timekeeper_id",
            "version",
        ):
            getattr(form, name).data = getattr(meeting, name)
        form.day.data, form.start_time.data = local.date(), local.time().replace(second=0, microsecond=0)
    return form


def _item_form(meeting: Meeting, item: AgendaItem | None = None, **kwargs) -> ItemForm:
    form = ItemForm(obj=item, **kwargs) if item is not None else ItemForm(**kwargs)
    form.set_user_choices(_active_users())
    return form


def _attendees(meeting: Meeting) -> list[tuple]:
    """(kind, row, person, id) for users then residents, by name."""
    users = sorted(meeting.user_attendees, key=lambda r: r.user.display_name.lower())
    residents = sorted(meeting.resident_attendees, key=lambda r: r.resident.display_name.lower())
    return [("user", r, r.user, r.user_id) for r in users] + [
        ("resident", r, r.resident, r.resident_id) for r in residents
    ]


def _render_show(meeting: Meeting, status: int = 200, **forms):
    rows, overrun = services.agenda_rows(meeting)
    editable = current_user.has_role(*EDITORS)
    due, open_ = commitments.review(meeting) if any(row.item.commitments_review for row in rows) else ([], [])
    resident_q = request.args.get("resident_q", "").strip()
    found = []
    if editable and resident_q:
        found = services.search_residents(resident_q, {row.resident_id for row in meeting.resident_attendees})
    attendee_ids = {row.user_id for row in meeting.user_attendees}
    action_form = forms.pop("action_form", None) or ActionItemForm()
    action_form.who.choices = _who_choices(meeting)
    minutes_form = forms.pop("minutes_form", None) or MinutesForm(obj=meeting)
    return (
        render_template(
            "meetings/show.html",
            meeting=meeting,
            rows=rows,
            overrun=overrun,
            starts_at=services.to_local(meeting.starts_at),
            editable=editable,
            details_form=forms.pop("details_form", None) or _meeting_form(meeting),
            item_form=forms.pop("item_form", None) or _item_form(meeting, formdata=None),
            minutes_form=minutes_form,
            action_form=action_form,
            template_form=forms.pop("template_form", None) or SaveTemplateForm(formdata=None),
            sign_in_form=SignInSheetForm(formdata=None),
            post_form=PostForm(),
            due=due,
            open_commitments=open_,
            resident_q=resident_q,
            found_residents=found,
            saved_searches=lists.searches_for(current_user) if editable else [],
            attendees=_attendees(meeting),
            users_to_invite=[u for u in _active_users() if u.id not in attendee_ids],
            kind_labels=KIND_LABELS,
            rsvp_labels=RSVP_LABELS,
            role_labels=ROLE_LABELS,
            # What other features show here (turnout's reminder calls).
            sections=sections_for("meetings.show", meeting, current_user),
        ),
        status,
    )


def _ensure_templates() -> None:
    """Seed missing built-in templates (a write during a GET: take the write lock first)."""
    if services.missing_builtin_templates():
        commit()
        with write_intent():
            services.ensure_builtin_templates()
            commit()


# --- list and create --------------------------------------------------------------------------------------
@bp.route("/")
@require_role()
def index():
    """Upcoming meetings first (soonest at the top), then past ones; others than organizers and leaders
    see the meetings they attend."""
    viewer = None if current_user.has_role(*EDITORS) else current_user
    upcoming, past = services.meetings_for_list(viewer)
    return render_template(
        "meetings/index.html",
        upcoming=upcoming,
        past=past,
        to_local=services.to_local,
        editable=viewer is None,
    )


@bp.route("/new", methods=["GET", "POST"])
@require_role(*EDITORS)
def new():
    """Create a meeting, blank or from a template (its items are copied)."""
    _ensure_templates()
    form = _meeting_form()
    if request.method == "GET":
        form.template_id.data = int_arg("template")
        form.campaign_id.data = int_arg("campaign_id")
        form.action_id.data = int_arg("action_id")
        form.chair_id.data = current_user.id
    if form.validate_on_submit():
        template = records.find(MeetingTemplate, form.template_id.data)
        meeting = services.create_meeting(
            form.title.data,
            services.from_local(form.day.data, form.start_time.data),
            duration_minutes=form.duration_minutes.data,
            purpose=form.purpose.data,
            place=form.place.data,
            campaign_id=form.campaign_id.data,
            action_id=form.action_id.data,
            template=template,
            created_by=current_user,
        )
        services.update_meeting(
            meeting,
            chair_id=form.chair_id.data,
            facilitator_id=form.facilitator_id.data,
            note_taker_id=form.note_taker_id.data,
            timekeeper_id=form.timekeeper_id.data,
        )
        audit.record("meeting.create", meeting, template=template.id if template else None)
        commit()
        flash(_("Meeting created."), "success")
        return _to_show(meeting)
    status = 400 if form.is_submitted() else 200
    return render_template("meetings/new.html", form=form), status


# --- the meeting ------------------------------------------------------------------------------------------
@bp.route("/<int:meeting_id>")
@require_role()
def show(meeting_id: int):
    """The meeting: details and roles, timed agenda, attendees, minutes and action items."""
    meeting = _readable(meeting_id)
    return _render_show(meeting)


@bp.route("/<int:meeting_id>/details", methods=["POST"])
@require_role(*EDITORS)
def update(meeting_id: int):
    """Change title, purpose, time, place and roles (refused with 409 if someone saved in between)."""
    meeting = _meeting_or_404(meeting_id)
    form = _meeting_form(meeting, formdata=request.form)
    if not form.validate():
        return _render_show(meeting, 400, details_form=form)
    with unit_of_work(meeting, form, cancel_url=url_for("meetings.show", meeting_id=meeting.id)):
        check_version(meeting, form.version.data)
        services.update_meeting(
            meeting,
            title=form.title.data,
            purpose=form.purpose.data or None,
            starts_at=services.from_local(form.day.data, form.start_time.data),
            duration_minutes=form.duration_minutes.data,
            place=form.place.data or None,
            chair_id=form.chair_id.data,
            facilitator_id=form.facilitator_id.data,
            note_taker_id=form.note_taker_id.data,
            timekeeper_id=form.timekeeper_id.data,
        )
        audit.record("meeting.update", meeting)
    flash(_("Meeting saved."), "success")
    return _to_show(meeting)


@bp.route("/<int:meeting_id>/delete", methods=["POST"])
@require_role(*EDITORS)
def delete(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    _check_post()
    audit.record("meeting.delete", meeting)
    services.delete_meeting(meeting)
    commit()
    flash(_("Meeting deleted."), "success")
    return redirect(url_for("meetings.index"))


# --- agenda -----------------------------------------------------------------------------------------------
@bp.route("/<int:meeting_id>/items", methods=["POST"])
@require_role(*EDITORS)
def add_item(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = _item_form(meeting)
    if not form.validate_on_submit():
        return _render_show(meeting, 400, item_form=form)
    services.add_item(
        meeting,
        form.title.data,
        minutes=form.minutes.data,
        kind=form.kind.data,
        lead_user_id=form.lead_user_id.data,
        lead_text=form.lead_text.data,
        notes=form.notes.data,
        commitments_review=form.commitments_review.data,
    )
    commit()
    flash(_("Item added."), "success")
    return _to_show(meeting, "agenda")


@bp.route("/<int:meeting_id>/items/<int:item_id>/edit", methods=["GET", "POST"])
@require_role(*EDITORS)
def edit_item(meeting_id: int, item_id: int):
    meeting = _meeting_or_404(meeting_id)
    item = _item_or_404(meeting, item_id)
    form = _item_form(meeting, item)
    if form.validate_on_submit():
        with unit_of_work(item, form, cancel_url=url_for("meetings.show", meeting_id=meeting.id) + "#agenda"):
            check_version(item, form.version.data)
            services.update_item(
                item,
                title=form.title.data,
                minutes=form.minutes.data,
                kind=form.kind.data,
                lead_user_id=form.lead_user_id.data,
                lead_text=form.lead_text.data or None,
                notes=form.notes.data or None,
                commitments_review=form.commitments_review.data,
            )
        flash(_("Item saved."), "success")
        return _to_show(meeting, "agenda")
    status = 400 if form.is_submitted() else 200
    return render_template("meetings/item.html", meeting=meeting, item=item, form=form), status


@bp.route("/<int:meeting_id>/items/<int:item_id>/move", methods=["POST"])
@require_role(*EDITORS)
def move_item(meeting_id: int, item_id: int):
    """Keyboard and no-JS alternative to drag-and-drop: one place up or down."""
    meeting = _meeting_or_404(meeting_id)
    item = _item_or_404(meeting, item_id)
    _check_post()
    services.move_item(item, -1 if request.form.get("direction") == "up" else 1)
    commit()
    return _to_show(meeting, f"item-{item.id}")


@bp.route("/<int:meeting_id>/items/reorder", methods=["POST"])
@require_role(*EDITORS)
def reorder(meeting_id: int):
    """The whole order at once (sent by the drag-and-drop script): order=3,1,2."""
    meeting = _meeting_or_404(meeting_id)
    _check_post()
    try:
        ids = [int(part) for part in request.form.get("order", "").split(",") if part.strip()]
        services.reorder(meeting, ids)
    except ValueError:
        db.session.rollback()
        if request.accept_mimetypes.best == "application/json":
            return jsonify(error=_("The agenda changed meanwhile: reload the page.")), 409
        flash(_("The agenda changed meanwhile: reload the page."), "error")
        return _to_show(meeting, "agenda")
    commit()
    if request.accept_mimetypes.best == "application/json":
        rows, overrun = services.agenda_rows(services.load_meeting(meeting_id))
        return jsonify(
            order=[row.item.id for row in rows],
            times={row.item.id: row.starts_at.strftime("%H:%M") for row in rows},
            overrun=overrun,
        )
    return _to_show(meeting, "agenda")


@bp.route("/<int:meeting_id>/items/<int:item_id>/delete", methods=["POST"])
@require_role(*EDITORS)
def delete_item(meeting_id: int, item_id: int):
    meeting = _meeting_or_404(meeting_id)
    item = _item_or_404(meeting, item_id)
    _check_post()
    services.delete_item(item)
    commit()
    flash(_("Item removed."), "success")
    return _to_show(meeting, "agenda")


# --- attendees --------------------------------------------------------------------------------------------
@bp.route("/<int:meeting_id>/attendees", methods=["POST"])
@require_role(*EDITORS)
def add_attendee(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    _check_post()
    user_id = int_arg("user_id", values=request.form)
    resident_id = int_arg("resident_id", values=request.form)
    if user_id and db.session.get(User, user_id):
        services.add_user_attendee(meeting, user_id)
    elif resident_id and (resident := records.load(Resident, resident_id)):
        if resident.do_not_contact:
            flash(_("This person asked not to be contacted."), "error")
            return _to_show(meeting, "attendees")
        services.add_resident_attendee(meeting, resident_id)
    else:
        flash(_("Choose someone to invite."), "error")
        return _to_show(meeting, "attendees")
    commit()
    return _to_show(meeting, "attendees")


@bp.route("/<int:meeting_id>/invite-search", methods=["POST"])
@require_role(*EDITORS)
def invite_search(meeting_id: int):
    """Invite every resident a saved search finds (never do-not-contact, never twice), after a count."""
    meeting = _meeting_or_404(meeting_id)
    search = records.load(SavedSearch, int_arg("search_id", values=request.form))
    selection = lists.selection_of(current_user, search)
    if not request.form.get("confirm"):
        return render_template(
            "residents/invite_confirm.html",
            title=meeting.title,
            search=search,
            count=lists.invitable_count(
                current_user, selection, MeetingResident.__table__, "resident_id", {"meeting_id": meeting.id}
            ),
            post_url=url_for("meetings.invite_search", meeting_id=meeting.id),
            back=url_for("meetings.show", meeting_id=meeting.id) + "#attendees",
        )
    added = services.invite_search(meeting, current_user, search, selection)
    commit()
    flash(ngettext("%(num)d resident invited.", "%(num)d residents invited.", added), "success")
    return _to_show(meeting, "attendees")


@bp.route("/<int:meeting_id>/attendees/remove", methods=["POST"])
@require_role(*EDITORS)
def remove_attendee(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    _check_post()
    kind = request.form.get("kind")
    person_id = int_arg("person_id", values=request.form)
    if kind in ("user", "resident") and person_id:
        services.remove_attendee(meeting, kind, person_id)
        commit()
    return _to_show(meeting, "attendees")


@bp.route("/<int:meeting_id>/attendance", methods=["POST"])
@require_role(*EDITORS)
def attendance(meeting_id: int):
    """Answers (RSVP) and who came, for every attendee at once."""
    meeting = _meeting_or_404(meeting_id)
    _check_post()
    answers = {}
    for kind, rows, key in (
        ("user", meeting.user_attendees, "user_id"),
        ("resident", meeting.resident_attendees, "resident_id"),
    ):
        for row in rows:
            person_id = getattr(row, key)
            rsvp = request.form.get(f"rsvp-{kind}-{person_id}", row.rsvp)
            if rsvp not in RSVP_STATUSES:
                abort(400)
            answers[(kind, person_id)] = (rsvp, request.form.get(f"attended-{kind}-{person_id}") == "y")
    services.set_attendance(meeting, answers)
    audit.record("meeting.attendance", meeting, attended=sum(1 for _r, came in answers.values() if came))
    commit()
    flash(_("Attendance saved."), "success")
    return _to_show(meeting, "attendees")


# --- minutes and action items -----------------------------------------------------------------------------
@bp.route("/<int:meeting_id>/minutes", methods=["POST"])
@require_role(*EDITORS)
def minutes(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = MinutesForm()
    if not form.validate_on_submit():
        return _render_show(meeting, 400, minutes_form=form)
    with unit_of_work(meeting, form, cancel_url=url_for("meetings.show", meeting_id=meeting.id) + "#minutes"):
        check_version(meeting, form.version.data)
        services.update_minutes(meeting, form.minutes.data, form.decisions.data)
        audit.record("meeting.minutes", meeting)
    flash(_("Minutes saved."), "success")
    return _to_show(meeting, "minutes")


@bp.route("/<int:meeting_id>/actions", methods=["POST"])
@require_role(*EDITORS)
def add_action(meeting_id: int):
    """An action item: who does what by when; it becomes a commitment."""
    meeting = _meeting_or_404(meeting_id)
    form = ActionItemForm()
    form.who.choices = _who_choices(meeting)
    if not form.validate_on_submit():
        return _render_show(meeting, 400, action_form=form)
    kind, _sep, raw_id = form.who.data.partition(":")
    commitments.add_action_item(
        meeting,
        form.what.data,
        user_id=int(raw_id) if kind == "u" else None,
        resident_id=int(raw_id) if kind == "r" else None,
        due_date=form.due_date.data,
        created_by=current_user,
    )
    audit.record("meeting.action_item", meeting)
    commit()
    flash(_("Action item added; it is now a commitment."), "success")
    return _to_show(meeting, "actions")


def _action_or_404(meeting: Meeting, action_id: int) -> MinutesActionItem:
    item = next((item for item in meeting.action_items if item.id == action_id), None)
    if item is None:
        abort(404)
    return item


@bp.route("/<int:meeting_id>/actions/<int:action_id>/done", methods=["POST"])
@require_role(*EDITORS)
def action_done(meeting_id: int, action_id: int):
    meeting = _meeting_or_404(meeting_id)
    item = _action_or_404(meeting, action_id)
    _check_post()
    commitments.set_done(item, request.form.get("done") == "y")
    commit()
    return _to_show(meeting, "actions")


@bp.route("/<int:meeting_id>/actions/<int:action_id>/delete", methods=["POST"])
@require_role(*EDITORS)
def delete_action(meeting_id: int, action_id: int):
    meeting = _meeting_or_404(meeting_id)
    item = _action_or_404(meeting, action_id)
    _check_post()
    commitments.delete_action_item(item)
    commit()
    return _to_show(meeting, "actions")


# --- templates --------------------------------------------------------------------------------------------
@bp.route("/<int:meeting_id>/save-template", methods=["POST"])
@require_role(*EDITORS)
def save_template(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = SaveTemplateForm()
    if not form.validate_on_submit():
        return _render_show(meeting, 400, template_form=form)
    template = services.save_as_template(meeting, form.name.data, created_by=current_user)
    audit.record("meeting_template.create", template)
    commit()
    flash(_("Template “%(name)s” saved.", name=template.name), "success")
    return redirect(url_for("meetings.templates"))


@bp.route("/templates")
@require_role(*EDITORS)
def templates():
    """Built-in agendas and the organization's own."""
    _ensure_templates()
    return render_template(
        "meetings/templates.html",
        templates=services.list_templates(),
        translator=services.builtin_translator,
        post_form=PostForm(),
        kind_labels=KIND_LABELS,
    )


@bp.route("/templates/<int:template_id>/delete", methods=["POST"])
@require_role(*EDITORS)
def delete_template(template_id: int):
    template = records.load(MeetingTemplate, template_id)
    _check_post()
    if template.builtin_key:
        abort(400)
    audit.record("meeting_template.delete", template)
    services.delete_template(template)
    commit()
    flash(_("Template deleted."), "success")
    return redirect(url_for("meetings.templates"))


# --- printing ---------------------------------------------------------------------------------------------
def _filename(meeting: Meeting, what: str) -> str:
    day = services.to_local(meeting.starts_at).strftime("%Y-%m-%d")
    return f"{what}-{meeting.id}-{day}.pdf"


@bp.route("/<int:meeting_id>/agenda.pdf")
@require_role()
def agenda_pdf(meeting_id: int):
    """The printable agenda."""
    meeting = _readable(meeting_id)
    pdf = printing.agenda_pdf(meeting)
    audit.record_now("meeting.print", meeting, kind="agenda")
    return pdf_response(pdf, _filename(meeting, "agenda"))


@bp.route("/<int:meeting_id>/sign-in.pdf")
@require_role(*EDITORS)
def sign_in_pdf(meeting_id: int):
    """The sign-in sheet: those who said yes or maybe, then blank lines; consent text printed."""
    meeting = _meeting_or_404(meeting_id)
    form = SignInSheetForm(request.args)
    if not form.validate():
        flash(_("Blank lines: a number between 0 and 100."), "error")
        return _to_show(meeting, "print")
    blank = form.blank.data if form.blank.data is not None else printing.DEFAULT_BLANK_LINES
    pdf = printing.sign_in_pdf(meeting, blank)
    audit.record_now("meeting.print", meeting, kind="sign_in", blank=blank)
    return pdf_response(pdf, _filename(meeting, "sign-in"))
