"""The printed agenda and sign-in sheet (organizer.printing.pdf.render_pdf)."""

from contextlib import nullcontext

from flask import current_app, has_request_context
from sqlalchemy import select

from organizer.core.models import Organization
from organizer.extensions import db
from organizer.meetings import commitments, services
from organizer.meetings.models import Meeting
from organizer.printing.pdf import render_pdf

DEFAULT_BLANK_LINES = 15
# Empty lines of the commitments table, to fill in by hand during the meeting.
COMMITMENT_BLANK_LINES = 6


def _organization() -> Organization | None:
    return db.session.scalar(select(Organization).limit(1))


def _render(template: str, **context) -> bytes:
    """render_pdf, also from the command line (templates' context processors expect a request)."""
    with nullcontext() if has_request_context() else current_app.test_request_context():
        return render_pdf(template, **context)


def agenda_pdf(meeting: Meeting) -> bytes:
    """Header (purpose, place, time, roles), the timed items with room for notes, the commitments table."""
    rows, overrun = services.agenda_rows(meeting)
    has_review = any(row.item.commitments_review for row in rows)
    due, open_ = commitments.review(meeting) if has_review else ([], [])
    return _render(
        "meetings/print/agenda.html",
        meeting=meeting,
        rows=rows,
        overrun=overrun,
        starts_at=services.to_local(meeting.starts_at),
        due=due,
        open_commitments=open_,
        blank_commitments=COMMITMENT_BLANK_LINES,
        organization=_organization(),
    )


def sign_in_pdf(meeting: Meeting, blank: int = DEFAULT_BLANK_LINES) -> bytes:
    """Pre-filled lines for those who said they would come, then `blank` empty lines, and the consent text."""
    organization = _organization()
    return _render(
        "meetings/print/sign_in.html",
        meeting=meeting,
        starts_at=services.to_local(meeting.starts_at),
        prefilled=services.sign_in_rows(meeting),
        blank=blank,
        organization=organization,
        organization_name=organization.name if organization else current_app.config["ORGANIZATION_NAME"],
        contact=(organization.contact_email if organization else None) or "",
    )
