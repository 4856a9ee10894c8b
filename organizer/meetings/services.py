"""Verbs on meetings, agendas, attendees, templates and action items (add + flush; views commit)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from flask import current_app
from flask_babel import force_locale, get_timezone
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from organizer.audit import services as audit
from organizer.extensions import db
from organizer.kernel.time import aware_utc
from organizer.meetings import timing
from organizer.meetings.models import (
    ITEM_KINDS,
    RSVP_STATUSES,
    AgendaItem,
    Meeting,
    MeetingResident,
    MeetingTemplate,
    MeetingTemplateItem,
    MeetingUser,
    MinutesActionItem,
)
from organizer.meetings.templates_builtin import BUILTIN_TEMPLATES
from organizer.residents import lists
from organizer.residents.models import Resident
from organizer.residents.normalize import fold
from organizer.residents.services import with_address

# Stored moments are aware UTC already (kernel.time.UTCDateTime); the old name stays for callers.
as_utc = aware_utc


# --- time zones -------------------------------------------------------------------------------------------
def to_local(value: datetime) -> datetime:
    """A stored time in the organization's time zone."""
    return aware_utc(value).astimezone(get_timezone())


def from_local(day: date, at: time) -> datetime:
    """A date and a wall-clock time in the organization's time zone, as UTC."""
    tz = get_timezone()
    naive = datetime.combine(day, at)
    local = tz.localize(naive) if hasattr(tz, "localize") else naive.replace(tzinfo=tz)
    return local.astimezone(UTC)


# --- loading ----------------------------------------------------------------------------------------------
def meeting_page_options() -> tuple:
    """Everything a meeting's page and its PDFs show, in a fixed number of queries."""
    return (
        selectinload(Meeting.items).selectinload(AgendaItem.lead_user),
        selectinload(Meeting.user_attendees).selectinload(MeetingUser.user),
        selectinload(Meeting.resident_attendees).selectinload(MeetingResident.resident),
        selectinload(Meeting.action_items).selectinload(MinutesActionItem.user),
        selectinload(Meeting.action_items).selectinload(MinutesActionItem.resident),
        selectinload(Meeting.action_items).selectinload(MinutesActionItem.commitment),
        selectinload(Meeting.chair),
        selectinload(Meeting.facilitator),
        selectinload(Meeting.note_taker),
        selectinload(Meeting.timekeeper),
    )


def load_meeting(meeting_id: int) -> Meeting | None:
    """A meeting with everything its page and its PDFs show, in a fixed number of queries."""
    return db.session.scalar(select(Meeting).where(Meeting.id == meeting_id).options(*meeting_page_options()))


def involves(user):
    """SQL condition: `user` is invited to the meeting or holds one of its roles."""
    return or_(
        Meeting.id.in_(select(MeetingUser.meeting_id).where(MeetingUser.user_id == user.id)),
        Meeting.chair_id == user.id,
        Meeting.facilitator_id == user.id,
        Meeting.note_taker_id == user.id,
        Meeting.timekeeper_id == user.id,
    )


def meetings_for_list(user=None, now: datetime | None = None) -> tuple[list[Meeting], list[Meeting]]:
    """(upcoming soonest first, past latest first); with `user`, only the meetings they attend or hold a role in."""
    now = now or datetime.now(UTC)
    query = select(Meeting)
    if user is not None:
        query = query.where(involves(user))
    upcoming = db.session.scalars(query.where(Meeting.starts_at >= now).order_by(Meeting.starts_at)).all()
    past = db.session.scalars(query.where(Meeting.starts_at < now).order_by(Meeting.starts_at.desc())).all()
    return list(upcoming), list(past)


def user_may_see(meeting: Meeting, user) -> bool:
    """Organizers and leaders see every meeting; others the ones they attend or hold a role in."""
    if user.has_role("organizer", "leader"):
        return True
    return user.id in meeting.role_user_ids() or any(a.user_id == user.id for a in meeting.user_attendees)


# --- meetings ---------------------------------------------------------------------------------------------
def create_meeting(
    title: str,
    starts_at: datetime,
    duration_minutes: int = 90,
    purpose: str | None = None,
    place: str | None = None,
    campaign_id: int | None = None,
    action_id: int | None = None,
    template: MeetingTemplate | None = None,
    created_by=None,
) -> Meeting:
    """A new meeting; from a template, its agenda is a copy of the template's items (a built-in template's
    in the language of the person creating the meeting)."""
    tr = builtin_translator(template)
    meeting = Meeting(
        title=title.strip(),
        series_key=fold(title),
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        purpose=purpose or (tr(template.purpose) if template else None),
        place=place,
        campaign_id=campaign_id,
        action_id=action_id,
        created_by_id=getattr(created_by, "id", None),
    )
    db.session.add(meeting)
    db.session.flush()
    if template is not None:
        for position, source in enumerate(template_items(template), start=1):
            db.session.add(
                AgendaItem(
                    meeting_id=meeting.id,
                    position=position,
                    title=tr(source.title),
                    lead_text=tr(source.lead_text),
                    minutes=source.minutes,
                    kind=source.kind,
                    notes=tr(source.notes),
                    commitments_review=source.commitments_review,
                )
            )
        db.session.flush()
    return meeting


def update_meeting(meeting: Meeting, **fields) -> None:
    """Change the meeting's details (title, purpose, time, place, roles)."""
    for name, value in fields.items():
        setattr(meeting, name, value)
    if "title" in fields:
        meeting.series_key = fold(meeting.title)
    db.session.flush()


def update_minutes(meeting: Meeting, minutes: str | None, decisions: str | None) -> None:
    meeting.minutes = minutes or None
    meeting.decisions = decisions or None
    db.session.flush()


def delete_meeting(meeting: Meeting) -> None:
    db.session.delete(meeting)
    db.session.flush()


# --- agenda -----------------------------------------------------------------------------------------------
def _items(meeting_id: int) -> list[AgendaItem]:
    return list(
        db.session.scalars(
            select(AgendaItem).where(AgendaItem.meeting_id == meeting_id).order_by(AgendaItem.position, AgendaItem.id)
        )
    )


def _renumber(items: list[AgendaItem]) -> None:
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position


def add_item(
    meeting: Meeting,
    title: str,
    minutes: int = 10,
    kind: str = "discussion",
    lead_user_id: int | None = None,
    lead_text: str | None = None,
    notes: str | None = None,
    commitments_review: bool = False,
) -> AgendaItem:
    """Append an item at the end of the agenda."""
    if kind not in ITEM_KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    last = db.session.scalar(select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)) or 0
    item = AgendaItem(
        meeting_id=meeting.id,
        position=last + 1,
        title=title.strip(),
        minutes=minutes,
        kind=kind,
        lead_user_id=lead_user_id,
        lead_text=lead_text or None,
        notes=notes or None,
        commitments_review=commitments_review,
    )
    db.session.add(item)
    db.session.flush()
    return item


def update_item(item: AgendaItem, **fields) -> None:
    for name, value in fields.items():
        setattr(item, name, value)
    db.session.flush()


def delete_item(item: AgendaItem) -> None:
    meeting_id = item.meeting_id
    db.session.delete(item)
    db.session.flush()
    _renumber(_items(meeting_id))
    db.session.flush()


def move_item(item: AgendaItem, delta: int) -> None:
    """Move an item up (-1) or down (+1); positions stay 1..n."""
    items = _items(item.meeting_id)
    index = next(i for i, other in enumerate(items) if other.id == item.id)
    target = min(max(index + delta, 0), len(items) - 1)
    items.insert(target, items.pop(index))
    _renumber(items)
    db.session.flush()


def reorder(meeting: Meeting, item_ids: list[int]) -> None:
    """Put the agenda in the order given; the ids must be exactly the meeting's items."""
    items = _items(meeting.id)
    by_id = {item.id: item for item in items}
    if sorted(item_ids) != sorted(by_id):
        raise ValueError("the order must list every item of the agenda once")
    _renumber([by_id[item_id] for item_id in item_ids])
    db.session.flush()


@dataclass
class AgendaRow:
    """An item with its computed local start and end, and whether it ends after the planned end."""

    item: AgendaItem
    starts_at: datetime
    ends_at: datetime
    overruns: bool


def agenda_rows(meeting: Meeting) -> tuple[list[AgendaRow], int]:
    """The timed agenda in local time, and how many minutes it runs past the planned end."""
    start = to_local(meeting.starts_at)
    durations = [item.minutes for item in meeting.items]
    first_late = timing.first_overrunning(start, durations, meeting.duration_minutes)
    rows = [
        AgendaRow(item, slot.starts_at, slot.ends_at, first_late is not None and index >= first_late)
        for index, (item, slot) in enumerate(zip(meeting.items, timing.schedule(start, durations), strict=True))
    ]
    return rows, timing.overrun_minutes(start, durations, meeting.duration_minutes)


# --- attendees --------------------------------------------------------------------------------------------
def add_user_attendee(meeting: Meeting, user_id: int, rsvp: str = "invited") -> MeetingUser:
    row = db.session.get(MeetingUser, (meeting.id, user_id))
    if row is None:
        row = MeetingUser(meeting_id=meeting.id, user_id=user_id, rsvp=rsvp)
        db.session.add(row)
        db.session.flush()
    return row


def add_resident_attendee(meeting: Meeting, resident_id: int, rsvp: str = "invited") -> MeetingResident:
    row = db.session.get(MeetingResident, (meeting.id, resident_id))
    if row is None:
        row = MeetingResident(meeting_id=meeting.id, resident_id=resident_id, rsvp=rsvp)
        db.session.add(row)
        db.session.flush()
    return row


def remove_attendee(meeting: Meeting, kind: str, person_id: int) -> None:
    model = MeetingUser if kind == "user" else MeetingResident
    row = db.session.get(model, (meeting.id, person_id))
    if row is not None:
        db.session.delete(row)
        db.session.flush()


def set_attendance(meeting: Meeting, answers: dict[tuple[str, int], tuple[str, bool]]) -> None:
    """answers[("user"|"resident", id)] = (rsvp, attended) for the attendees listed."""
    for rsvp, _attended in answers.values():
        if rsvp not in RSVP_STATUSES:
            raise ValueError(f"unknown answer {rsvp!r}")
    for row in meeting.user_attendees:
        if ("user", row.user_id) in answers:
            row.rsvp, row.attended = answers[("user", row.user_id)]
    for row in meeting.resident_attendees:
        if ("resident", row.resident_id) in answers:
            row.rsvp, row.attended = answers[("resident", row.resident_id)]
    db.session.flush()


def search_residents(query: str, exclude: set[int], limit: int = 20) -> list[Resident]:
    """Residents whose name matches `query` (accent- and case-free), for inviting them."""
    key = fold(query)
    if not key:
        return []
    statement = (
        select(Resident)
        .where(Resident.name_key.contains(key))
        .order_by(Resident.name_key)
        .options(with_address())
        .limit(limit + 5)
    )
    return [r for r in db.session.scalars(statement) if r.id not in exclude][:limit]


def sign_in_rows(meeting: Meeting) -> list[dict]:
    """Pre-filled sign-in lines: residents who said yes or maybe (never do-not-contact), then users.

    Names only: the sheet goes round the table, so everyone would read the others' phones and e-mails.
    Each person fills in (or confirms) their own contact details in the blank columns."""
    rows = []
    for row in sorted(meeting.resident_attendees, key=lambda r: r.resident.display_name.lower()):
        if row.rsvp in ("yes", "maybe") and not row.resident.do_not_contact:
            rows.append({"name": row.resident.display_name})
    for row in sorted(meeting.user_attendees, key=lambda r: r.user.display_name.lower()):
        if row.rsvp in ("yes", "maybe"):
            rows.append({"name": row.user.display_name})
    return rows


# --- templates --------------------------------------------------------------------------------------------
def template_items(template: MeetingTemplate) -> list[MeetingTemplateItem]:
    return list(
        db.session.scalars(
            select(MeetingTemplateItem)
            .where(MeetingTemplateItem.template_id == template.id)
            .order_by(MeetingTemplateItem.position)
        )
    )


def builtin_translator(template: MeetingTemplate):
    """Built-in templates are stored in the default language: show and copy them in the reader's.

    Returns text -> text: a built-in template's stored name, purpose, titles, leads and notes in the current
    language; anything else (the organization's own templates) unchanged."""
    if template is None or template.builtin_key not in BUILTIN_TEMPLATES:
        return lambda text: text
    name, purpose, _duration, items = BUILTIN_TEMPLATES[template.builtin_key]
    strings = [name, purpose] + [text for item in items for text in (item[0], item[3], item[4]) if text]
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        stored = [str(text) for text in strings]
    mapping = {as_stored: str(text) for as_stored, text in zip(stored, strings, strict=True)}
    return lambda text: mapping.get(text, text) if text else text


def list_templates() -> list[MeetingTemplate]:
    """Built-in templates first, then the organization's own, each with its items loaded."""
    return list(
        db.session.scalars(
            select(MeetingTemplate)
            .options(selectinload(MeetingTemplate.items))
            .order_by(MeetingTemplate.builtin_key.is_(None), MeetingTemplate.name)
        )
    )


def missing_builtin_templates() -> set[str]:
    """Keys of the built-in templates not yet in the database."""
    keys = select(MeetingTemplate.builtin_key).where(MeetingTemplate.builtin_key.isnot(None))
    return set(BUILTIN_TEMPLATES) - set(db.session.scalars(keys))


def ensure_builtin_templates() -> int:
    """Create the built-in templates that are missing, in the default language; returns how many."""
    missing = missing_builtin_templates()
    created = 0
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        for key, (name, purpose, duration, items) in BUILTIN_TEMPLATES.items():
            if key not in missing:
                continue
            template = MeetingTemplate(builtin_key=key, name=str(name), purpose=str(purpose), duration_minutes=duration)
            for position, (title, minutes, kind, lead, notes, review) in enumerate(items, start=1):
                template.items.append(
                    MeetingTemplateItem(
                        position=position,
                        title=str(title),
                        minutes=minutes,
                        kind=kind,
                        lead_text=str(lead) or None,
                        notes=str(notes) or None,
                        commitments_review=review,
                    )
                )
            db.session.add(template)
            created += 1
    db.session.flush()
    return created


def save_as_template(meeting: Meeting, name: str, created_by=None) -> MeetingTemplate:
    """The organization's own template: a copy of this meeting's agenda (leads by name, not by account)."""
    template = MeetingTemplate(
        name=name.strip(),
        purpose=meeting.purpose,
        duration_minutes=meeting.duration_minutes,
        created_by_id=getattr(created_by, "id", None),
    )
    for position, item in enumerate(meeting.items, start=1):
        template.items.append(
            MeetingTemplateItem(
                position=position,
                title=item.title,
                lead_text=item.lead_text,
                minutes=item.minutes,
                kind=item.kind,
                notes=item.notes,
                commitments_review=item.commitments_review,
            )
        )
    db.session.add(template)
    db.session.flush()
    return template


def delete_template(template: MeetingTemplate) -> None:
    if template.builtin_key:
        raise ValueError("built-in templates stay")
    db.session.delete(template)
    db.session.flush()


def invite_search(meeting: Meeting, user, search, selection) -> int:
    """Invite every resident of a saved search's `selection` to `meeting` (never do-not-contact, never twice);
    audited; returns how many were added."""
    added = lists.invite(user, selection, MeetingResident.__table__, "resident_id", {"meeting_id": meeting.id})
    audit.record("meeting.invite_search", meeting, search=search.id, count=added)
    return added
