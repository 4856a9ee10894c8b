"""The subject-access copy as a person reads it: every key in words, codes as their labels, yes/no, dates in
words (no ISO, no seconds). The JSON copy keeps the raw data; this only presents it."""

from datetime import date, datetime

from flask_babel import format_date, gettext
from flask_babel import lazy_gettext as _l

from organizer.i18n import format_moment
from organizer.kernel.contributions import registry
from organizer.residents.history import FIELD_LABELS
from organizer.residents.labels import CONSENT_LABELS, STAGE_LABELS
from organizer.residents.phones import display as phone_display

# The columns of the sections features add (door knocks, one-on-ones, meetings...), in words.
KEY_LABELS = {
    "at": _l("Date"),
    "date": _l("Date"),
    "result": _l("Result"),
    "support_level": _l("Support level"),
    "note": _l("Note"),
    "place": _l("Place"),
    "story": _l("Their story"),
    "needs": _l("Needs"),
    "sources_of_meaning": _l("What gives meaning"),
    "networks": _l("Networks"),
    "ask": _l("The ask"),
    "answer": _l("The answer"),
    "follow_up_on": _l("Follow-up on"),
    "assessment": _l("Assessment"),
    "text": _l("Text"),
    "energy": _l("Energy"),
    "role": _l("Role"),
    "what": _l("What"),
    "due_on": _l("Due on"),
    "status": _l("Status"),
    "from": _l("From"),
    "to": _l("To"),
    "evidence": _l("Evidence"),
    "meeting": _l("Meeting"),
    "action": _l("Action"),
    "rsvp": _l("Answer to the invitation"),
    "attended": _l("Attended"),
    "field": _l("Field"),
    "old": _l("Before"),
    "new": _l("After"),
}
ROLE_LABELS = {"host": _l("Host"), "attendee": _l("Attendee")}
# Fields of the person's own record a reader has no use for (internal numbers, search keys).
HIDDEN_FIELDS = {"id", "name_key", "sort_key", "version", "household_id", "created_by_id", "updated_by_id", "source_id"}
EXTRA_FIELD_LABELS = {
    "do_not_contact_at": _l("Do not contact since"),
    "last_contacted_at": _l("Last contact"),
    "created_at": _l("Recorded on"),
    "updated_at": _l("Last changed on"),
    "note_sensitive": _l("Note kept for organizers only"),
}
# Codes shown through their labels, by the key they come under: the resident's own here, the other features'
# through their `subject_labels` contribution (door knock results, commitment status, RSVP answers...).
CODE_LABELS = {
    "role": ROLE_LABELS,
    "from": STAGE_LABELS,
    "to": STAGE_LABELS,
    "leadership_stage": STAGE_LABELS,
    "consent_basis": CONSENT_LABELS,
    "field": {**FIELD_LABELS, **EXTRA_FIELD_LABELS},
}


def _code_labels(key: str):
    contributed = registry().subject_labels.get(key)
    own = CODE_LABELS.get(key)
    if contributed is None or own is None:
        return own if contributed is None else contributed
    return {**own, **contributed}


WIDE_SECTION = 5  # more columns than this: the copy is printed in landscape


def value_text(key: str, value) -> str:
    """One value as a person reads it."""
    if value is None or value == "":
        return "—"
    if value is True:
        return gettext("Yes")
    if value is False:
        return gettext("No")
    labels = _code_labels(key)
    if labels is not None and str(value) in labels:
        return str(labels[str(value)])
    if key in ("phone", "phone_alt"):
        return phone_display(str(value))
    if isinstance(value, datetime):
        return format_moment(value, "long")
    if isinstance(value, date):
        return format_date(value, "long")
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            if len(value) == 10:
                return format_date(date.fromisoformat(value), "long")
            return format_moment(datetime.fromisoformat(value), "long")
        except ValueError:
            pass
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value) or "—"
    return str(value)


def field_label(name: str) -> str:
    """A field of the resident's record in words ("support_level" -> "Support level")."""
    labels = {**FIELD_LABELS, **EXTRA_FIELD_LABELS}
    return str(labels.get(name, name.replace("_", " ")))


def stored_value_text(field: str, stored: str | None) -> str:
    """A value as the rectification history stored it (text: "True", "2026-04-27", "legitimate_interest")."""
    if stored in ("True", "False"):
        return value_text(field, stored == "True")
    return value_text(field, stored)


def about(data: dict) -> list[tuple[str, str]]:
    """The person's own record: (label, value) for each field a reader cares about."""
    labels = {**FIELD_LABELS, **EXTRA_FIELD_LABELS}  # the extra ones win ("Note" twice otherwise)
    rows = []
    for key, value in data.items():
        if key in HIDDEN_FIELDS or key not in labels or isinstance(value, dict | list):
            continue
        rows.append((str(labels[key]), value_text(key, value)))
    return rows


def sections(data: dict, titles: dict) -> list[dict]:
    """The lists (tags, door knocks, meetings...) as tables: a title, column headers and rows of text."""
    found = []
    for key, rows in data.items():
        if not isinstance(rows, list) or key not in titles:
            continue
        if rows and isinstance(rows[0], dict):
            keys = list(dict.fromkeys(k for row in rows for k in row))
            headers = [str(KEY_LABELS.get(k, k.replace("_", " "))) for k in keys]
            body = [[_cell(k, row.get(k), row) for k in keys] for row in rows]
        else:
            headers, body = [], [[value_text(key, row)] for row in rows]
        found.append({"title": str(titles[key]), "headers": headers, "rows": body, "wide": len(headers) > WIDE_SECTION})
    return found


def _cell(key: str, value, row: dict) -> str:
    if key in ("old", "new") and row.get("field"):
        return value_text(row["field"], value)  # a corrected value reads as its field does
    return value_text(key, value)
