"""A resident's privacy page (access, objection, erasure) and the retention purge."""

import json

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from organizer.audit import services as audit
from organizer.auth import records
from organizer.auth.models import Role
from organizer.auth.permissions import require_recent_auth, require_role
from organizer.db import utcnow
from organizer.extensions import db
from organizer.kernel.unit_of_work import commit
from organizer.printing.pdf import pdf_response, render_pdf
from organizer.privacy import readable, services
from organizer.privacy.forms import ErasureForm, ObjectionForm, PurgeForm
from organizer.residents.history import FIELD_LABELS as RESIDENT_FIELD_LABELS
from organizer.residents.labels import CONSENT_LABELS, ELECTORAL_WARNING
from organizer.residents.models import Address, Household, Resident
from organizer.residents.services import full_address

bp = Blueprint("privacy", __name__)
URL_PREFIX = "/privacy"
NAVIGATION = [("privacy.retention", _l("Data retention"), (Role.ADMIN,), 92)]

ERASE_WORDS = {"ERASE", "EFFACER"}

# The resident's own fields are labelled once, in residents.history; the export adds its bookkeeping columns.
FIELD_LABELS = {
    **RESIDENT_FIELD_LABELS,
    "id": _l("Record number"),
    "household_id": _l("Household"),
    "do_not_contact_at": _l("Do not contact since"),
    "last_contacted_at": _l("Last contact"),
    "created_by_id": _l("Created by"),
    "updated_by_id": _l("Updated by"),
    "created_at": _l("Created on"),
    "updated_at": _l("Updated on"),
    "version": _l("Version"),
}
SECTION_LABELS = {
    "tags": _l("Tags"),
    "issues": _l("Issues you care about"),
    "rectifications": _l("Corrections"),
    "door_knocks": _l("Door knocks"),
    "one_on_ones": _l("One-on-one meetings"),
    "assessments": _l("Assessments"),
    "house_meetings": _l("House meetings"),
    "commitments": _l("Commitments"),
    "leadership_ladder": _l("Leadership ladder"),
    "actions": _l("Actions"),
    "meetings": _l("Meetings"),
    "found_in": _l("Where we found data about you"),
    "residents": _l("Your record"),
    "address": _l("Address"),
    "job_results": _l("Printed sheets and exports not yet deleted (they may name you)"),
    "job_files": _l("Imported files not yet deleted (they may name you)"),
}


def _resident(resident_id: int) -> Resident:
    return records.load(Resident, resident_id)


def _address_of(person: Resident) -> Address | None:
    if person.household_id is None:
        return None
    return db.session.scalar(
        select(Address).join(Household, Household.address_id == Address.id).where(Household.id == person.household_id)
    )


@bp.route("/residents/<int:resident_id>")
@require_role(Role.ORGANIZER)
def resident(resident_id: int):
    """Consent, source, objection, rectification history, and the subject-rights actions."""
    person = _resident(resident_id)
    audit.record_now("resident.privacy_view", person)
    return render_template(
        "privacy/resident.html",
        resident=person,
        revisions=services.revisions(resident_id),
        objection_form=ObjectionForm(),
        erasure_form=ErasureForm(),
        consent_labels=CONSENT_LABELS,
        electoral_warning=ELECTORAL_WARNING,
        # The rectification history in words: "Support level 3 → 4", not "support_level 3 -> 4".
        field_words=readable.field_label,
        readable_value=readable.stored_value_text,
    )


@bp.route("/residents/<int:resident_id>/export.json")
@require_role(Role.ORGANIZER)
@require_recent_auth(minutes=15)
def export_json(resident_id: int):
    """Everything held about the person, machine-readable (GDPR art. 15 and 20)."""
    _resident(resident_id)
    data = services.subject_access(resident_id)
    audit.record_now("resident.subject_export", ("residents", resident_id), format="json")
    response = Response(json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="resident-{resident_id}.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/residents/<int:resident_id>/export.pdf")
@require_role(Role.ORGANIZER)
@require_recent_auth(minutes=15)
def export_pdf(resident_id: int):
    """The same, readable by the person."""
    person = _resident(resident_id)
    data = services.subject_access(resident_id)
    data["found_in"] = [
        {str(_l("Where")): str(SECTION_LABELS.get(row["where"], row["where"])), str(_l("Entries")): row["count"]}
        for row in data["found_in"]
    ]
    audit.record_now("resident.subject_export", person, format="pdf")
    pdf = render_pdf(
        "privacy/subject_access.html",
        resident=person,
        about=readable.about(data),
        address=full_address(_address_of(person)),
        sections=readable.sections(data, {**SECTION_LABELS, "rectifications": SECTION_LABELS["rectifications"]}),
        electoral=data.get("consent_basis") == "electoral_list",
        electoral_warning=ELECTORAL_WARNING,
        now=utcnow(),
    )
    return pdf_response(pdf, f"resident-{resident_id}.pdf")


@bp.route("/residents/<int:resident_id>/objection", methods=["POST"])
@require_role(Role.ORGANIZER)
def objection(resident_id: int):
    """Do-not-contact, applied everywhere at once."""
    person = _resident(resident_id)
    if ObjectionForm().validate_on_submit():
        services.record_objection(person)
        commit()
        flash(_("Objection recorded: %(name)s will not be contacted again.", name=person.display_name), "success")
    return redirect(url_for("privacy.resident", resident_id=resident_id))


@bp.route("/residents/<int:resident_id>/erase", methods=["POST"])
@require_role(Role.ORGANIZER)
@require_recent_auth(minutes=15)
def erase(resident_id: int):
    """Erase the person (GDPR art. 17); counts in reports are kept without them."""
    person = _resident(resident_id)
    form = ErasureForm()
    if not form.validate_on_submit() or form.confirmation.data.strip().upper() not in ERASE_WORDS:
        flash(_("Nothing was erased: type ERASE to confirm."), "error")
        return redirect(url_for("privacy.resident", resident_id=resident_id))
    services.erase_residents([person.id], reason="request")
    commit()
    flash(_("The person's data was erased. The audit log keeps only the record number."), "success")
    return redirect(url_for("core.index"))


@bp.route("/retention", methods=["GET", "POST"])
@require_role(Role.ADMIN)
@require_recent_auth(minutes=15)
def retention():
    """Residents past the retention period, and erasing them."""
    form = PurgeForm()
    if form.validate_on_submit():
        candidates = services.past_retention()
        counts = services.erase_residents([r.id for r in candidates], reason="retention")
        commit()
        flash(_("%(count)d residents erased (retention period).", count=counts["residents"]), "success")
        return redirect(url_for("privacy.retention"))
    return render_template(
        "privacy/retention.html",
        candidates=services.past_retention(),
        cutoff=services.retention_cutoff(),
        form=form,
    )
