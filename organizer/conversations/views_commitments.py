"""Commitments, follow-ups and the leadership ladder."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from organizer.auth.models import Role
from organizer.auth.permissions import require_role
from organizer.conversations import services
from organizer.conversations.forms import CommitmentForm, StageForm, StatusForm
from organizer.conversations.labels import STATUS_LABELS
from organizer.conversations.models import Assessment, Commitment, HouseMeeting, HouseMeetingAttendee, StageChange
from organizer.conversations.views_common import (
    TALKERS,
    _commitment_options,
    _get,
    _int,
    _looking_up,
    _users_choices,
    fill_pickers,
)
from organizer.extensions import db
from organizer.kernel.routes import Routes
from organizer.kernel.time import local_today
from organizer.kernel.unit_of_work import check_version, commit, unit_of_work
from organizer.residents.labels import STAGE_LABELS
from organizer.residents.models import Resident
from organizer.security import is_safe_next

routes = Routes()


# --- Commitments -----------------------------------------------------------------------------------------


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


@routes.route("/commitments")
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
        "conversations/commitments.html", commitments=rows, status=status, today=local_today(), status_form=StatusForm
    )


@routes.route("/commitments/new", methods=["GET", "POST"])
@require_role(*TALKERS)
def new_commitment():
    """Record a promise, a resident's or ours."""
    form = _commitment_form(None)
    if not _looking_up() and form.validate_on_submit():
        services.save_commitment(None, _commitment_data(form), current_user)
        commit()
        flash(_("Commitment saved."), "success")
        return redirect(_back_url(url_for("conversations.commitments")))
    return render_template("conversations/commitment_form.html", form=form, obj=None)


def _back_url(default: str) -> str:
    target = request.values.get("next")
    return target if is_safe_next(target) else default


@routes.route("/commitments/<int:commitment_id>/edit", methods=["GET", "POST"])
@require_role(*TALKERS)
def edit_commitment(commitment_id: int):
    """Change a commitment (optimistic locking)."""
    commitment = _get(Commitment, commitment_id, *_commitment_options())
    form = _commitment_form(commitment)
    template = "conversations/commitment_form.html"
    if not _looking_up() and form.validate_on_submit():
        with unit_of_work(commitment, form):
            check_version(commitment, form.version.data)
            services.save_commitment(commitment, _commitment_data(form), current_user)
        flash(_("Commitment saved."), "success")
        return redirect(_back_url(url_for("conversations.commitments")))
    return render_template(template, form=form, obj=commitment)


@routes.route("/commitments/<int:commitment_id>/status", methods=["POST"])
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
    with unit_of_work(commitment, form, cancel_url=_back_url(url_for("conversations.follow_ups"))):
        if form.version.data:  # lists without a version (older pages) still work
            check_version(commitment, form.version.data)
        services.change_commitment_status(commitment, form.status.data)
    flash(_("“%(what)s”: %(status)s.", what=commitment.what, status=STATUS_LABELS[commitment.status]), "success")
    return redirect(_back_url(url_for("conversations.follow_ups")))


@routes.route("/follow-ups")
@require_role()
def follow_ups():
    """My follow-ups: overdue first, due this week, then the rest; and one-on-ones to follow up."""
    today = local_today()
    return render_template(
        "conversations/follow_ups.html",
        follow=services.follow_ups(current_user, today),
        today=today,
        status_form=StatusForm,
    )


# --- Leadership ladder -----------------------------------------------------------------------------------


@routes.route("/ladder/<int:resident_id>", methods=["GET", "POST"])
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
                commit()
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
