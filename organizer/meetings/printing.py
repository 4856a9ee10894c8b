"""The printed agenda and sign-in sheet, rendered by organizer.printing (from a request or the command line)."""

from flask import current_app

from organizer.core.services import current_organization
from organizer.meetings import commitments, services
from organizer.meetings.models import Meeting
from organizer.printing.pdf import render_pdf

DEFAULT_BLANK_LINES = 15
# Empty lines of the commitments table, to fill in by hand during the meeting.
COMMITMENT_BLANK_LINES = 6


def agenda_pdf(meeting: Meeting) -> bytes:
    """Header (purpose, place, time, roles), the timed items with room for notes, the commitments table."""
    rows, overrun = services.agenda_rows(meeting)
    has_review = any(row.item.commitments_review for row in rows)
    due, open_ = commitments.review(meeting) if has_review else ([], [])
    return render_pdf(
        "meetings/print/agenda.html",
        meeting=meeting,
        rows=rows,
        overrun=overrun,
        starts_at=services.to_local(meeting.starts_at),
        due=due,
        open_commitments=open_,
        blank_commitments=COMMITMENT_BLANK_LINES,
        organization=current_organization(),
    )


def sign_in_pdf(meeting: Meeting, blank: int = DEFAULT_BLANK_LINES) -> bytes:
    """Pre-filled lines for those who said they would come, then `blank` empty lines, and the consent text."""
    organization = current_organization()
    return render_pdf(
        "meetings/print/sign_in.html",
        meeting=meeting,
        starts_at=services.to_local(meeting.starts_at),
        prefilled=services.sign_in_rows(meeting),
        blank=blank,
        organization=organization,
        organization_name=organization.name if organization else current_app.config["ORGANIZATION_NAME"],
        contact=(organization.contact_email if organization else None) or "",
    )
