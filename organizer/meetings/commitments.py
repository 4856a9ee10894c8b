"""Action items from the minutes become Commitments (conversations feature, source_type "meeting"), and the
commitments review pulled into an agenda: what was due since the last meeting of the series, and the
attendees' open follow-ups."""

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from organizer.conversations import services as conversations
from organizer.conversations.models import Commitment
from organizer.extensions import db
from organizer.meetings.models import Meeting, MinutesActionItem
from organizer.meetings.services import to_local

SOURCE_TYPE = "meeting"
# Recorded from the command line or the demo, by no signed-in user.
_NOBODY = SimpleNamespace(id=None)


@dataclass
class ReviewRow:
    """One commitment as the review shows it: who promised what, by when, and whether it is done."""

    who: str
    what: str
    due: date | None
    done: bool
    commitment_id: int


def add_action_item(
    meeting: Meeting,
    what: str,
    user_id: int | None = None,
    resident_id: int | None = None,
    due_date: date | None = None,
    created_by=None,
) -> MinutesActionItem:
    """Record an action item of the minutes and the Commitment it stands for.

    The person who will do it made the promise (a user or a resident); a user follows up their own, the
    chair (else whoever records it) follows up a resident's."""
    if user_id and resident_id:
        raise ValueError("an action item is done by one person")
    commitment = conversations.save_commitment(
        None,
        {
            "from_user_id": user_id,
            "from_resident_id": resident_id,
            "what": what.strip(),
            "due_on": due_date,
            "source_type": SOURCE_TYPE,
            "source_id": meeting.id,
            "owner_id": user_id or meeting.chair_id or getattr(created_by, "id", None),
        },
        created_by or _NOBODY,
    )
    item = MinutesActionItem(
        meeting_id=meeting.id,
        what=commitment.what,
        user_id=user_id,
        resident_id=resident_id,
        due_date=due_date,
        commitment_id=commitment.id,
    )
    db.session.add(item)
    db.session.flush()
    return item


def set_done(item: MinutesActionItem, done: bool) -> None:
    """Mark the commitment behind an action item done, or open again."""
    commitment = item.commitment
    if commitment is None:
        return
    conversations.set_commitment_status(commitment, "done" if done else "open")
    db.session.flush()


def delete_action_item(item: MinutesActionItem) -> None:
    """Remove an action item entered by mistake, and the commitment it created."""
    commitment = item.commitment
    db.session.delete(item)
    if commitment is not None:
        db.session.delete(commitment)
    db.session.flush()


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The last meeting before this one of the same campaign, or of the same title series without one."""
    query = select(Meeting).where(Meeting.starts_at < meeting.starts_at, Meeting.id != meeting.id)
    return db.session.scalar(_same_series(query, meeting).order_by(Meeting.starts_at.desc()).limit(1))


def _same_series(query, meeting: Meeting):
    if meeting.campaign_id:
        return query.where(Meeting.campaign_id == meeting.campaign_id)
    return query.where(Meeting.campaign_id.is_(None), Meeting.series_key == meeting.series_key)


def _who(commitment: Commitment) -> str:
    if commitment.from_user is not None:
        return commitment.from_user.display_name
    if commitment.from_resident is not None:
        return commitment.from_resident.display_name
    return ""


def _row(commitment: Commitment) -> ReviewRow:
    return ReviewRow(_who(commitment), commitment.what, commitment.due_on, commitment.status == "done", commitment.id)


def _load():
    return (selectinload(Commitment.from_user), selectinload(Commitment.from_resident))


def review(meeting: Meeting) -> tuple[list[ReviewRow], list[ReviewRow]]:
    """(commitments made at earlier meetings of the series and due since the previous one up to this one,
    open commitments of the attendees not already listed).

    Both lists read Commitments, so promises made in one-on-ones or at the door count as follow-ups too."""
    until = to_local(meeting.starts_at).date()
    previous = previous_meeting(meeting)
    series_ids = _same_series(select(Meeting.id).where(Meeting.id != meeting.id), meeting)
    due_query = select(Commitment).where(
        Commitment.source_type == SOURCE_TYPE,
        Commitment.source_id.in_(series_ids),
        Commitment.due_on.isnot(None),
        Commitment.due_on <= until,
        Commitment.status != "dropped",
    )
    if previous is not None:
        due_query = due_query.where(Commitment.due_on >= to_local(previous.starts_at).date())
    due = list(db.session.scalars(due_query.options(*_load()).order_by(Commitment.due_on, Commitment.id)))
    seen = {commitment.id for commitment in due}

    user_ids = {row.user_id for row in meeting.user_attendees} | meeting.role_user_ids()
    resident_ids = {row.resident_id for row in meeting.resident_attendees}
    conditions = []
    if user_ids:
        conditions += [Commitment.from_user_id.in_(user_ids), Commitment.owner_id.in_(user_ids)]
    if resident_ids:
        conditions.append(Commitment.from_resident_id.in_(resident_ids))
    open_ = []
    if conditions:
        open_query = (
            select(Commitment)
            .where(
                or_(*conditions),
                Commitment.status == "open",
                or_(
                    Commitment.source_type.is_(None),
                    Commitment.source_type != SOURCE_TYPE,
                    Commitment.source_id != meeting.id,
                ),
            )
            .options(*_load())
            .order_by(Commitment.due_on.is_(None), Commitment.due_on, Commitment.id)
        )
        open_ = [c for c in db.session.scalars(open_query) if c.id not in seen]
    return [_row(c) for c in due], [_row(c) for c in open_]
