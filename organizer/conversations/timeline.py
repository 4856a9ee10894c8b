"""Timeline sources for the resident page: door knocks, one-on-ones, house meetings, commitments, ladder moves.

Each source takes a batch of resident ids and the viewer, runs one query, and hides sensitive notes the viewer
may not read (canvassers and leaders see their own sensitive notes only)."""

from datetime import UTC, date, datetime, time

from flask import url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from organizer.auth.models import Role
from organizer.conversations.labels import ANSWER_LABELS, EVIDENCE_LABELS, RESULT_LABELS, STATUS_LABELS
from organizer.conversations.models import (
    Commitment,
    DoorKnock,
    HouseMeeting,
    HouseMeetingAttendee,
    OneOnOne,
    StageChange,
)
from organizer.conversations.services import may_read_note
from organizer.extensions import db
from organizer.kernel.contributions import TimelineEntry
from organizer.residents.labels import STAGE_LABELS

SENSITIVE = "sensitive"


def _at(value: datetime | date) -> datetime:
    """A comparable moment: days at noon UTC; naive on SQLite (as it returns them), aware elsewhere."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(12, 0), tzinfo=UTC)
    if db.engine.dialect.name == "sqlite":
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _note(viewer, text: str | None, sensitive: bool, author_id: int | None) -> str | None:
    if not text:
        return None
    if may_read_note(viewer, sensitive, author_id):
        return text
    return _("Sensitive note")


def _talker(viewer) -> bool:
    return viewer.has_role(Role.ORGANIZER, Role.LEADER)


def door_knocks(resident_ids: list[int], viewer) -> list[tuple[int, TimelineEntry]]:
    """Knocks where the resident answered."""
    rows = db.session.scalars(
        select(DoorKnock)
        .where(DoorKnock.resident_id.in_(resident_ids))
        .options(selectinload(DoorKnock.issues), selectinload(DoorKnock.canvasser))
    )
    entries = []
    for knock in rows:
        title = _("Door knock: %(result)s", result=RESULT_LABELS.get(knock.result, knock.result))
        if knock.issues:
            title += " · " + ", ".join(issue.name for issue in knock.issues)
        entries.append(
            (
                knock.resident_id,
                TimelineEntry(
                    at=_at(knock.knocked_at),
                    kind="door_knock",
                    title=title,
                    detail=_note(viewer, knock.note, knock.note_sensitive, knock.canvasser_id),
                    sensitive=knock.note_sensitive,
                ),
            )
        )
    return entries


def one_on_ones(resident_ids: list[int], viewer) -> list[tuple[int, TimelineEntry]]:
    """Relational meetings with the resident."""
    rows = db.session.scalars(
        select(OneOnOne)
        .where(OneOnOne.resident_id.in_(resident_ids))
        .options(selectinload(OneOnOne.organizer), selectinload(OneOnOne.issues))
    )
    entries = []
    for meeting in rows:
        who = meeting.organizer.display_name if meeting.organizer else "?"
        title = _("One-on-one with %(name)s", name=who)
        if meeting.answer:
            title += " · " + _("answer: %(answer)s", answer=ANSWER_LABELS[meeting.answer])
        entries.append(
            (
                meeting.resident_id,
                TimelineEntry(
                    at=_at(meeting.met_on),
                    kind="one_on_one",
                    title=title,
                    detail=_note(viewer, meeting.story, meeting.note_sensitive, meeting.organizer_id),
                    url=url_for("conversations.one_on_one", meeting_id=meeting.id) if _talker(viewer) else None,
                    sensitive=meeting.note_sensitive,
                ),
            )
        )
    return entries


def house_meetings(resident_ids: list[int], viewer) -> list[tuple[int, TimelineEntry]]:
    """House meetings the resident hosted or attended (and who brought them)."""
    hosted = db.session.scalars(
        select(HouseMeeting).where(HouseMeeting.host_id.in_(resident_ids)).options(selectinload(HouseMeeting.attendees))
    ).all()
    attended = db.session.scalars(
        select(HouseMeetingAttendee)
        .where(HouseMeetingAttendee.resident_id.in_(resident_ids))
        .options(
            selectinload(HouseMeetingAttendee.meeting).selectinload(HouseMeeting.host),
            selectinload(HouseMeetingAttendee.brought_by),
        )
    ).all()
    entries = []
    for meeting in hosted:
        url = url_for("conversations.house_meeting", meeting_id=meeting.id) if _talker(viewer) else None
        entries.append(
            (
                meeting.host_id,
                TimelineEntry(
                    at=_at(meeting.held_on),
                    kind="house_meeting",
                    title=ngettext(
                        "Hosted a house meeting (%(num)d attendee)",
                        "Hosted a house meeting (%(num)d attendees)",
                        len(meeting.attendees),
                    ),
                    detail=_note(viewer, meeting.notes, meeting.note_sensitive, meeting.organizer_id),
                    url=url,
                    sensitive=meeting.note_sensitive,
                ),
            )
        )
    for attendee in attended:
        meeting = attendee.meeting
        host = meeting.host.display_name if meeting.host else "?"
        title = _("Came to a house meeting at %(name)s's", name=host)
        if attendee.brought_by:
            title += " · " + _("brought by %(name)s", name=attendee.brought_by.display_name)
        url = url_for("conversations.house_meeting", meeting_id=meeting.id) if _talker(viewer) else None
        entries.append(
            (attendee.resident_id, TimelineEntry(at=_at(meeting.held_on), kind="house_meeting", title=title, url=url))
        )
    return entries


def commitments(resident_ids: list[int], viewer) -> list[tuple[int, TimelineEntry]]:
    """Promises the resident made, or that we made to them."""
    rows = db.session.scalars(
        select(Commitment)
        .where(or_(Commitment.from_resident_id.in_(resident_ids), Commitment.to_resident_id.in_(resident_ids)))
        .options(selectinload(Commitment.from_user))
    )
    entries = []
    for commitment in rows:
        if commitment.from_resident_id:
            title = _("Promised: %(what)s", what=commitment.what)
        else:
            who = commitment.from_user.display_name if commitment.from_user else "?"
            title = _("%(name)s promised: %(what)s", name=who, what=commitment.what)
        detail = str(STATUS_LABELS[commitment.status])
        if commitment.due_on:
            detail += " · " + _("due %(date)s", date=format_date(commitment.due_on, "long"))
        url = url_for("conversations.edit_commitment", commitment_id=commitment.id) if _talker(viewer) else None
        entries.append(
            (
                commitment.resident_id,
                TimelineEntry(at=_at(commitment.created_at), kind="commitment", title=title, detail=detail, url=url),
            )
        )
    return entries


def stage_changes(resident_ids: list[int], viewer) -> list[tuple[int, TimelineEntry]]:
    """Moves on the leadership ladder with their evidence."""
    rows = db.session.scalars(
        select(StageChange).where(StageChange.resident_id.in_(resident_ids)).options(selectinload(StageChange.by))
    )
    return [
        (
            change.resident_id,
            TimelineEntry(
                at=_at(change.changed_at),
                kind="stage_change",
                title=_(
                    "Leadership ladder: %(from)s → %(to)s",
                    **{"from": STAGE_LABELS[change.from_stage], "to": STAGE_LABELS[change.to_stage]},
                ),
                detail=_(
                    "%(label)s: %(value)s",
                    label=EVIDENCE_LABELS.get(change.evidence_kind, change.evidence_kind),
                    value=change.evidence,
                ),
                url=url_for("conversations.ladder", resident_id=change.resident_id) if _talker(viewer) else None,
            ),
        )
        for change in rows
    ]
