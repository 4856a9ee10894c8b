"""The end of a request's unit of work: one commit, or the one conflict page when a record changed meanwhile.

Views call services (which change, flush and audit), then leave the block; nothing else in a view commits:

    with unit_of_work(record=campaign, form=form):
        check_version(campaign, form.version.data)
        services.update_campaign(campaign, ...)
    return redirect(...)

A version conflict (optimistic locking: StaleDataError from SQLAlchemy, or VersionConflict when the form
was read at an older version) rolls everything back and answers 409 with templates/conflict.html: the saved
version beside yours, yours ready to be sent again over the saved one.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime

from flask import abort, make_response, render_template, request
from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm.exc import StaleDataError

from organizer.extensions import db

# (label, yours, saved) for one field of the conflict page.
Row = tuple[str, str, str]
SKIPPED_FIELD_TYPES = ("CSRFTokenField", "SubmitField", "HiddenField", "FieldList", "FormField", "FileField")


class VersionConflict(Exception):
    """The record was saved by someone else since the form was read (same outcome as StaleDataError)."""


def check_version(record, submitted) -> None:
    """Raise VersionConflict unless `submitted` (the form's hidden version) is the record's current version."""
    try:
        same = int(submitted or 0) == record.version
    except (TypeError, ValueError):
        same = False
    if not same:
        raise VersionConflict(record)


@contextmanager
def unit_of_work(
    record=None,
    form=None,
    *,
    rows: Callable[[object], list[Row]] | None = None,
    title: str | None = None,
    cancel_url: str | None = None,
    hide: Callable[[object], Iterable[str]] | None = None,
    on_conflict: Callable[[], object] | None = None,
) -> Iterator[None]:
    """Commit what the block did; on a version conflict roll back and answer with the conflict page (409).

    `rows(saved_record)` adds rows the form cannot describe by itself (lists, related records); `on_conflict`
    replaces the page for flows that have no record to compare (a door knocked from a phone re-shows the door).
    `hide(saved_record)` names fields this person may not read (a sensitive note): they are not compared.
    """
    try:
        yield
        db.session.commit()
    except (StaleDataError, VersionConflict):
        db.session.rollback()
        if on_conflict is not None:
            abort(make_response(on_conflict()))
        abort(conflict_response(record, form, rows=rows, title=title, cancel_url=cancel_url, hide=hide))


def commit() -> None:
    """End a unit of work that edits no versioned record (a conflict still gets the conflict page)."""
    with unit_of_work():
        pass


def conflict_response(record, form, *, rows=None, title=None, cancel_url=None, hide=None):
    """The one conflict page (409): both versions, and yours ready to send again with the saved version."""
    if record is not None:
        try:
            db.session.refresh(record)
        except InvalidRequestError:  # deleted meanwhile: nothing left to compare with
            record = None
    hidden = set(hide(record)) if hide is not None and record is not None else set()
    compared = field_rows(record, form, hidden) if record is not None and form is not None else []
    if rows is not None and record is not None:
        compared += rows(record)
    # What differs comes first and alone (a phone shows three columns only for a few rows); the rest is counted.
    differing = [row for row in compared if row[1] != row[2]]
    resend = [(key, value) for key, value in request.form.items(multi=True) if key not in ("csrf_token", "version")]
    page = render_template(
        "conflict.html",
        title=title or _("Someone else saved this record while you were editing it"),
        rows=differing or compared,
        same=len(compared) - len(differing) if differing else 0,
        resend=resend,
        version=getattr(record, "version", None),
        action_url=request.path,
        cancel_url=cancel_url or request.path,
    )
    return make_response(page, 409)


def field_rows(record, form, hidden: set[str] = frozenset()) -> list[Row]:
    """(label, yours, saved) for each form field that is also an attribute of the record (`hidden` left out)."""
    out = []
    for field in form:
        if field.type in SKIPPED_FIELD_TYPES or field.name in hidden or not hasattr(record, field.name):
            continue
        labels = _choice_labels(getattr(field, "choices", None))
        mine, saved = shown(field.data, labels), shown(getattr(record, field.name), labels)
        out.append((str(field.label.text), mine, saved))
    return out


def _choice_labels(choices) -> dict:
    if not isinstance(choices, (list, tuple)):
        return {}
    return {choice[0]: choice[1] for choice in choices if isinstance(choice, (list, tuple)) and len(choice) >= 2}


def shown(value, labels: dict | None = None) -> str:
    """A value as the conflict page shows it: labels for codes, local dates, yes/no, "—" for nothing."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        # A form's datetime is already local (naive); a saved one is UTC and shown in the local zone.
        return format_datetime(value, "short", rebase=value.tzinfo is not None)
    if isinstance(value, date):
        return format_date(value, "medium")
    if isinstance(value, (list, tuple, set)):
        return ", ".join(shown(item, labels) for item in value)
    if labels:
        label = labels.get(value, labels.get(str(value)))
        if label is not None:
            return str(label)
    return str(getattr(value, "name", value))
