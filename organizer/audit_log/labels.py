"""The audit log in words: each action code, record type and detail key as a reader says it (both
languages). Codes stay in the data and the CSV export; pages show these labels, the code beside them."""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "access.refused": _l("Access refused"),
    "action.attendee": _l("Attendee added to an action"),
    "action.create": _l("Action created"),
    "action.evaluate": _l("Action evaluated"),
    "action.invite_search": _l("Saved search invited to an action"),
    "action.update": _l("Action changed"),
    "actor.save": _l("Power map actor saved"),
    "audit.export": _l("Audit log exported"),
    "calendar.token_create": _l("Calendar link created"),
    "calendar.token_revoke": _l("Calendar link revoked"),
    "campaign.create": _l("Campaign created"),
    "campaign.power_map": _l("Power map changed"),
    "campaign.print": _l("Campaign printed"),
    "campaign.update": _l("Campaign changed"),
    "commitment.create": _l("Commitment recorded"),
    "commitment.status": _l("Commitment status changed"),
    "commitment.update": _l("Commitment changed"),
    "database.backup": _l("Database backed up"),
    "door_knock.create": _l("Door knock recorded"),
    "house_meeting.create": _l("House meeting recorded"),
    "house_meeting.update": _l("House meeting changed"),
    "issue.merge": _l("Issues merged"),
    "issue.rename": _l("Issue renamed"),
    "job.download": _l("Job result downloaded"),
    "jobs.purge": _l("Old job files deleted"),
    "local_body.save": _l("Local body saved"),
    "login.failure": _l("Failed sign-in"),
    "login.success": _l("Signed in"),
    "login.throttled": _l("Sign-in blocked after too many failures"),
    "meeting.action_item": _l("Meeting action item"),
    "meeting.attendance": _l("Meeting attendance"),
    "meeting.create": _l("Meeting created"),
    "meeting.delete": _l("Meeting deleted"),
    "meeting.invite_search": _l("Saved search invited to a meeting"),
    "meeting.minutes": _l("Meeting minutes saved"),
    "meeting.print": _l("Meeting document printed"),
    "meeting.update": _l("Meeting changed"),
    "meeting_template.create": _l("Meeting template created"),
    "meeting_template.delete": _l("Meeting template deleted"),
    "one_on_one.create": _l("One-on-one recorded"),
    "one_on_one.update": _l("One-on-one changed"),
    "report.drill_down": _l("Report detail viewed"),
    "report.print": _l("Report printed"),
    "resident.create": _l("Resident added"),
    "resident.erase": _l("Resident erased"),
    "resident.merge": _l("Residents merged"),
    "resident.merge_undo": _l("Merge undone"),
    "resident.objection": _l("Objection recorded (do not contact)"),
    "resident.privacy_view": _l("Privacy page viewed"),
    "resident.stage": _l("Leadership stage changed"),
    "resident.subject_export": _l("Copy of a person's data made"),
    "resident.unmerged": _l("Resident restored by an undone merge"),
    "resident.update": _l("Resident changed"),
    "resident.view": _l("Resident viewed"),
    "residents.bulk_do_not_contact": _l("Do-not-contact set on a selection"),
    "residents.bulk_tag": _l("Tag changed on a selection"),
    "residents.bulk_turf": _l("Doors of a selection added to a turf"),
    "residents.export": _l("Residents exported"),
    "residents.import": _l("File imported"),
    "residents.import_rejects": _l("Rejected rows of an import downloaded"),
    "residents.search_delete": _l("Saved search deleted"),
    "residents.search_save": _l("Search saved"),
    "turf.add_addresses": _l("Addresses added to a turf"),
    "turf.assign": _l("Turf given to a canvasser"),
    "turf.create": _l("Turf created"),
    "turf.delete": _l("Turf deleted"),
    "turf.remove_addresses": _l("Addresses taken out of a turf"),
    "turf.unassign": _l("Turf taken back"),
    "turf.update": _l("Turf changed"),
    "turf.view": _l("Turf viewed"),
    "user.create": _l("Account created"),
    "user.invitation_accepted": _l("Invitation accepted"),
    "user.password_change": _l("Password changed"),
    "user.reactivate": _l("Account reactivated"),
    "user.role_change": _l("Role changed"),
    "walk_sheet.enter": _l("Walk sheet results entered"),
    "walk_sheet.grid": _l("Walk sheet grid opened"),
    "walk_sheet.print": _l("Walk sheet printed"),
}
TARGET_LABELS = {
    "residents": _l("Resident"),
    "users": _l("Account"),
    "turfs": _l("Turf"),
    "campaigns": _l("Campaign"),
    "actions": _l("Action"),
    "meetings": _l("Meeting"),
    "issues": _l("Issue"),
    "commitments": _l("Commitment"),
    "door_knocks": _l("Door knock"),
    "one_on_ones": _l("One-on-one"),
    "house_meetings": _l("House meeting"),
    "saved_searches": _l("Saved search"),
}
DETAIL_LABELS = {
    "fields": _l("fields"),
    "count": _l("number"),
    "format": _l("format"),
    "filename": _l("file"),
    "rows": _l("rows"),
    "created": _l("created"),
    "updated": _l("updated"),
    "rejected": _l("rejected"),
    "basis": _l("legal basis"),
    "purpose": _l("purpose"),
    "tag": _l("tag"),
    "removed": _l("removed"),
    "merged_id": _l("merged record"),
    "moved": _l("moved"),
    "doors": _l("doors"),
    "reason": _l("reason"),
    "role": _l("role"),
    "until": _l("until"),
    "user_id": _l("account"),
    "shared": _l("shared"),
    "search": _l("saved search"),
    "filters": _l("filters"),
}
# The fields named in a "fields" detail (resident.update...). The audit log sits below the features whose
# events it shows, so it names them itself rather than importing residents.history.FIELD_LABELS.
FIELD_LABELS = {
    "first_name": _l("First name"),
    "last_name": _l("Last name"),
    "birth_name": _l("Birth name"),
    "preferred_name": _l("Preferred name"),
    "phone": _l("Phone"),
    "phone_alt": _l("Other phone"),
    "email": _l("E-mail"),
    "languages": _l("Languages"),
    "birth_date": _l("Birth date"),
    "support_level": _l("Support level"),
    "leadership_stage": _l("Leadership stage"),
    "self_interest": _l("Self-interest"),
    "data_source": _l("Data source"),
    "consent_basis": _l("Legal basis"),
    "purpose": _l("Purpose of the data"),
    "consent_date": _l("Consent date"),
    "consent_method": _l("How consent was obtained"),
    "quote_consent": _l("May be quoted anonymously"),
    "do_not_contact": _l("Do not contact"),
    "point_person_id": _l("Point person"),
    "note": _l("Note"),
    "note_sensitive": _l("Note"),
    "household": _l("Address"),
}


def action_label(code: str) -> str:
    """An action code in words; an unknown code is shown as it is."""
    return str(ACTION_LABELS.get(code, code))


def target_label(table: str | None) -> str:
    """A record type in words."""
    return str(TARGET_LABELS.get(table, table or ""))


def details_text(details: dict | None) -> list[str]:
    """Each detail as "key: value" in words (lists joined, nested counts flattened, fields named)."""
    shown = []
    for key, value in (details or {}).items():
        if key == "fields" and isinstance(value, list):
            value = ", ".join(str(FIELD_LABELS.get(name, name.replace("_", " "))) for name in value)
        elif isinstance(value, dict):
            value = ", ".join(f"{name.replace('_', ' ')} {count}" for name, count in value.items()) or "—"
        elif isinstance(value, list):
            value = ", ".join(str(item) for item in value) or "—"
        elif value is True or value is False:
            value = gettext("yes") if value else gettext("no")
        label = str(DETAIL_LABELS.get(key, key.replace("_", " ")))
        shown.append(gettext("%(label)s: %(value)s", label=label, value=value))
    return shown
