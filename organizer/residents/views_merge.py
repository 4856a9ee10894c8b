"""Duplicates: the likely pairs, both records side by side, the merge with the fields chosen, and its undo."""

from datetime import UTC, datetime, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from organizer.audit import services as audit
from organizer.auth import records
from organizer.auth.permissions import require_role
from organizer.extensions import db
from organizer.kernel.routes import Routes
from organizer.kernel.unit_of_work import commit
from organizer.params import int_arg
from organizer.residents import history, merging, services
from organizer.residents.forms import MergeForm
from organizer.residents.labels import CONSENT_LABELS, STAGE_LABELS
from organizer.residents.models import Household, Resident, ResidentMerge

routes = Routes()


@routes.route("/duplicates")
@require_role("organizer")
def duplicates():
    """Residents that look like the same person, to review and merge."""
    return render_template("residents/duplicates.html", groups=services.duplicate_groups(), form=MergeForm())


def _merge_pair(keep_id, other_id) -> tuple[Resident, Resident]:
    if not keep_id or not other_id or keep_id == other_id:
        flash(_("Choose two different residents to merge."), "error")
        abort(redirect(url_for("residents.duplicates")))
    options = (selectinload(Resident.household).selectinload(Household.address), selectinload(Resident.point_person))
    # Either record outside the viewer's scope answers 404, like one that does not exist.
    return records.load(Resident, keep_id, *options), records.load(Resident, other_id, *options)


@routes.route("/merge", methods=["GET"])
@require_role("organizer")
def merge_compare():
    """Both records side by side, field by field, with what each has (conversations, commitments...)."""
    keep, other = _merge_pair(int_arg("keep"), int_arg("other"))
    audit.record_now("resident.view", keep)
    audit.record_now("resident.view", other)
    return render_template(
        "residents/merge.html",
        keep=keep,
        other=other,
        sides=merging.compare(keep, other),
        counts=merging.linked_counts([keep.id, other.id]),
        field_labels=history.FIELD_LABELS,
        table_labels=merging.TABLE_LABELS,
        stages=STAGE_LABELS,
        consent_labels=CONSENT_LABELS,
        form=MergeForm(keep_id=keep.id, other_id=other.id),
        undo_days=merging.MERGE_UNDO_DAYS,
    )


@routes.route("/merge", methods=["POST"])
@require_role("organizer")
def merge():
    """Fold one resident into another with the fields chosen, keeping every conversation, tag and issue."""
    form = MergeForm()
    if not form.validate_on_submit():
        flash(_("Choose two different residents to merge."), "error")
        return redirect(url_for("residents.duplicates"))
    keep, other = _merge_pair(form.keep_id.data, form.other_id.data)
    choices = {
        name: request.form[f"choice_{name}"]
        for name in merging.CHOICE_FIELDS
        if request.form.get(f"choice_{name}") in ("keep", "other")
    }
    merging.merge(keep, other, by=current_user, choices=choices)
    commit()
    flash(
        _(
            "Merged: %(name)s keeps the history of both. You can undo it for %(days)s days from this page.",
            name=keep.display_name,
            days=merging.MERGE_UNDO_DAYS,
        ),
        "success",
    )
    return redirect(url_for("residents.show", resident_id=keep.id))


@routes.route("/merges/<int:merge_id>/undo", methods=["POST"])
@require_role("organizer")
def merge_undo(merge_id: int):
    """Put back the two records a merge folded together (within the undo period)."""
    record = records.load(ResidentMerge, merge_id)
    try:
        restored = merging.undo(record, by=current_user)
    except merging.MergeError:
        db.session.rollback()
        flash(_("This merge can no longer be undone."), "error")
        return redirect(url_for("residents.show", resident_id=record.keep_id))
    commit()
    flash(_("Merge undone: %(name)s has their own record again.", name=restored.display_name), "success")
    return redirect(url_for("residents.show", resident_id=restored.id))


def _undoable_merges(resident_id: int) -> list[dict]:
    since = datetime.now(UTC) - timedelta(days=merging.MERGE_UNDO_DAYS)
    merges = db.session.scalars(
        records.visible(ResidentMerge)
        .where(
            ResidentMerge.keep_id == resident_id, ResidentMerge.undone_at.is_(None), ResidentMerge.created_at >= since
        )
        .order_by(ResidentMerge.id.desc())
    )
    return [
        {
            "id": record.id,
            "name": " ".join(
                filter(None, (record.snapshot["other"].get("first_name"), record.snapshot["other"].get("last_name")))
            ),
            "at": record.created_at,
            "until": record.created_at + timedelta(days=merging.MERGE_UNDO_DAYS),
        }
        for record in merges
    ]
