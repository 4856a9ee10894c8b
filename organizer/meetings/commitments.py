"""Action items from the minutes, and the commitments review pulled into an agenda."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from organizer.extensions import db
from organizer.meetings.models import Meeting, MinutesActionItem


@dataclass
class ReviewRow:
    """One commitment as the review shows it: who promised what, by when, and whether it is done."""

    who: str
    what: str
    due: date | None
    done: bool
    source: str


def add_action_item(
    meeting: Meeting,
    what: str,
    user_id: int | None = None,
    resident_id: int | None = None,
    due_date: date | None = None,
    created_by=None,
) -> MinutesActionItem:
    """Record an action item of the minutes."""
    item = MinutesActionItem(
        meeting_id=meeting.id, what=what.strip(), user_id=user_id, resident_id=resident_id, due_date=due_date
    )
    db.session.add(item)
    db.session.flush()
    return item


def set_done(item: MinutesActionItem, done: bool) -> None:
    item.done = done
    db.session.flush()


def delete_action_item(item: MinutesActionItem) -> None:
    db.session.delete(item)
    db.session.flush()


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The last meeting before this one of the same campaign, or of the same title series without one."""
    query = select(Meeting).where(Meeting.starts_at < meeting.starts_at, Meeting.id != meeting.id)
    if meeting.campaign_id:
        query = query.where(Meeting.campaign_id == meeting.campaign_id)
    else:
        query = query.where(Meeting.campaign_id.is_(None), Meeting.series_key == meeting.series_key)
    return db.session.scalar(query.order_by(Meeting.starts_at.desc()).limit(1))


def _series_meeting_ids(meeting: Meeting) -> select:
    query = select(Meeting.id).where(Meeting.id != meeting.id)
    if meeting.campaign_id:
        return query.where(Meeting.campaign_id == meeting.campaign_id)
    return query.where(Meeting.campaign_id.is_(None), Meeting.series_key == meeting.series_key)


def _row(item: MinutesActionItem) -> ReviewRow:
    return ReviewRow(item.who_name, item.what, item.due_date, item.done, item.meeting.title)


def review(meeting: Meeting) -> tuple[list[ReviewRow], list[ReviewRow]]:
    """(commitments due since the previous meeting of the series, other open commitments of the attendees)."""
    from organizer.meetings.services import to_local

    options = (
        selectinload(MinutesActionItem.user),
        selectinload(MinutesActionItem.resident),
        selectinload(MinutesActionItem.meeting),
    )
    until = to_local(meeting.starts_at).date()
    previous = previous_meeting(meeting)
    due_query = select(MinutesActionItem).where(
        MinutesActionItem.meeting_id.in_(_series_meeting_ids(meeting)),
        MinutesActionItem.due_date.isnot(None),
        MinutesActionItem.due_date <= until,
    )
    if previous is not None:
        due_query = due_query.where(MinutesActionItem.due_date >= to_local(previous.starts_at).date())
    due_items = list(db.session.scalars(due_query.options(*options).order_by(MinutesActionItem.due_date)))
    seen = {item.id for item in due_items}

    user_ids = {row.user_id for row in meeting.user_attendees} | meeting.role_user_ids()
    resident_ids = {row.resident_id for row in meeting.resident_attendees}
    conditions = []
    if user_ids:
        conditions.append(MinutesActionItem.user_id.in_(user_ids))
    if resident_ids:
        conditions.append(MinutesActionItem.resident_id.in_(resident_ids))
    open_items = []
    if conditions:
        open_items = [
            item
            for item in db.session.scalars(
                select(MinutesActionItem)
                .where(
                    or_(*conditions),
                    MinutesActionItem.done.is_(False),
                    MinutesActionItem.meeting_id != meeting.id,
                )
                .options(*options)
                .order_by(MinutesActionItem.due_date.is_(None), MinutesActionItem.due_date)
            )
            if item.id not in seen
        ]
    return [_row(i) for i in due_items], [_row(i) for i in open_items]
