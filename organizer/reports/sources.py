"""Where the listening report's mentions come from: one registered source per kind of conversation.

A source turns a `Window` (time buckets, turf/area filter, what the viewer may see) into SQL selects:

- `mentions(window)`: one row per (conversation, resident, issue) with the columns in MENTION_COLUMNS;
- `conversations(window)`: one row per conversation (kind, conversation_id, at, bucket, turf_id, area).

The report combines every source's select with UNION ALL and aggregates in SQL (COUNT(DISTINCT voice)).

Who counts ("voice"): a named resident counts once however often they raise an issue. A door knock where
nobody gave a name counts once for its household (an anonymous door): `voice` is then -household_id, so it
never collides with a resident id. At a house meeting the host and every attendee count as having raised the
issues the meeting surfaced. The place of a mention is where the resident lives (for door knocks: the door
knocked), through Household -> Address (turf_id, area).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, case, false, func, literal, null, select, union_all
from sqlalchemy.orm import aliased

from organizer.conversations.models import (
    DoorKnock,
    HouseMeeting,
    HouseMeetingAttendee,
    OneOnOne,
    door_knock_issues,
    house_meeting_issues,
    one_on_one_issues,
)
from organizer.kernel.time import organization_zone
from organizer.residents.models import Address, Household, Resident

MENTION_COLUMNS = (
    "voice",
    "resident_id",
    "issue_id",
    "at",
    "bucket",
    "turf_id",
    "area",
    "quote_text",
    "quote_consent",
    "sensitive",
    "kind",
    "conversation_id",
)
CONVERSATION_COLUMNS = ("kind", "conversation_id", "at", "bucket", "turf_id", "area")


@dataclass(frozen=True)
class Window:
    """What to select: [bounds[0], bounds[-1]) cut into buckets at each bound, and where.

    bounds are local dates (the organization's timezone); bucket i is [bounds[i], bounds[i+1]).
    turf_ids / areas: the user's filter (None = everywhere). visible_turf_ids: a select of turf ids the viewer
    may see (None = everything, including conversations outside any turf). kinds: the kinds the viewer may read.
    """

    bounds: tuple[date, ...]
    turf_ids: tuple[int, ...] | None = None
    areas: tuple[str, ...] | None = None
    visible_turf_ids: Select | None = None
    kinds: tuple[str, ...] | None = None
    issue_id: int | None = None
    # False when only counting: sources may then leave the quote columns empty and skip their joins.
    detail: bool = True
    # True when the window holds most rows: on SQLite, scan the table rather than walk the date index
    # (a range over most of the table is ~2.5x slower through the index; PostgreSQL decides by itself).
    prefer_scan: bool = False


def local_midnight_utc(day: date) -> datetime:
    """The instant a local day begins, in UTC (what timestamp columns are compared with)."""
    zone = organization_zone()
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def _bound(column, day: date):
    """A bound in the column's own type: a UTC instant for timestamps, the date itself for dates."""
    return local_midnight_utc(day) if getattr(column.type, "timezone", None) is not None else day


def in_window(column, window: Window):
    """The column lies within the window."""
    compared = func.coalesce(column, column) if window.prefer_scan else column  # a function hides the index
    return and_(compared >= _bound(column, window.bounds[0]), compared < _bound(column, window.bounds[-1]))


def bucket_of(column, window: Window):
    """Which bucket (0-based) the column falls in, as a CASE expression."""
    bounds = window.bounds
    if len(bounds) == 2:
        return literal(0)
    whens = [(column >= _bound(column, bounds[i]), i) for i in range(len(bounds) - 2, 0, -1)]
    return case(*whens, else_=0)


def restricts_places(window: Window) -> bool:
    """Whether the window looks at some places only (a filter, or a viewer limited to their turfs)."""
    return window.turf_ids is not None or window.areas is not None or window.visible_turf_ids is not None


def place_filter(statement: Select, address, window: Window) -> Select:
    """Apply the turf/area filter and the viewer's visibility to `address`."""
    if window.turf_ids is not None:
        statement = statement.where(address.turf_id.in_(window.turf_ids))
    if window.areas is not None:
        statement = statement.where(address.area.in_(window.areas))
    if window.visible_turf_ids is not None:
        statement = statement.where(address.turf_id.in_(window.visible_turf_ids))
    return statement


@dataclass(frozen=True)
class Source:
    """A kind of conversation feeding the report and the dashboard."""

    kind: str
    label: object
    mentions: Callable[[Window], Select]
    conversations: Callable[[Window], Select]
    # Roles that may read this kind of conversation (admins always); () = everyone signed in.
    roles: tuple[str, ...] = ()


SOURCES: dict[str, Source] = {}


def register(source: Source) -> Source:
    """Add a source to the registry (a feature adding a kind of conversation calls this once)."""
    SOURCES[source.kind] = source
    return source


def sources_for(window: Window) -> list[Source]:
    """The registered sources the window lets through, in registration order."""
    return [s for s in SOURCES.values() if window.kinds is None or s.kind in window.kinds]


def kinds_for(viewer) -> tuple[str, ...]:
    """The kinds of conversation `viewer` may read."""
    return tuple(s.kind for s in SOURCES.values() if not s.roles or viewer.has_role(*s.roles))


def mentions_union(window: Window):
    """Every source's mentions in one UNION ALL subquery (None when no source applies)."""
    selects = [s.mentions(window) for s in sources_for(window)]
    if not selects:
        return None
    return (selects[0] if len(selects) == 1 else union_all(*selects)).subquery("mentions")


def conversations_union(window: Window):
    """Every source's conversations in one UNION ALL subquery."""
    selects = [s.conversations(window) for s in sources_for(window)]
    if not selects:
        return None
    return (selects[0] if len(selects) == 1 else union_all(*selects)).subquery("conversations")


# --- Door knocks -----------------------------------------------------------------------------------------


def door_knock_mentions(window: Window) -> Select:
    """Issues raised at doors: the named resident, or the household as one anonymous door."""
    knock, link = DoorKnock, door_knock_issues
    consent = case((Resident.quote_consent.is_(True), True), else_=False)
    statement = (
        select(
            case((knock.resident_id.is_not(None), knock.resident_id), else_=-knock.household_id).label("voice"),
            knock.resident_id.label("resident_id"),
            link.c.issue_id.label("issue_id"),
            knock.knocked_at.label("at"),
            bucket_of(knock.knocked_at, window).label("bucket"),
            Address.turf_id.label("turf_id"),
            Address.area.label("area"),
            (knock.note if window.detail else null()).label("quote_text"),
            (consent if window.detail else false()).label("quote_consent"),
            knock.note_sensitive.label("sensitive"),
            literal("door_knock").label("kind"),
            knock.id.label("conversation_id"),
        )
        .select_from(link)
        .join(knock, knock.id == link.c.door_knock_id)
        .join(Household, Household.id == knock.household_id)
        .join(Address, Address.id == Household.address_id)
        .where(in_window(knock.knocked_at, window))
    )
    if window.detail:
        statement = statement.outerjoin(Resident, Resident.id == knock.resident_id)
    if window.issue_id is not None:
        statement = statement.where(link.c.issue_id == window.issue_id)
    return place_filter(statement, Address, window)


def door_knock_conversations(window: Window) -> Select:
    """Every knock, whatever its result (only counting everywhere: no place, no join)."""
    if not window.detail and not restricts_places(window):
        return select(
            literal("door_knock").label("kind"),
            DoorKnock.id.label("conversation_id"),
            DoorKnock.knocked_at.label("at"),
            bucket_of(DoorKnock.knocked_at, window).label("bucket"),
            null().label("turf_id"),
            null().label("area"),
        ).where(in_window(DoorKnock.knocked_at, window))
    statement = (
        select(
            literal("door_knock").label("kind"),
            DoorKnock.id.label("conversation_id"),
            DoorKnock.knocked_at.label("at"),
            bucket_of(DoorKnock.knocked_at, window).label("bucket"),
            Address.turf_id.label("turf_id"),
            Address.area.label("area"),
        )
        .join(Household, Household.id == DoorKnock.household_id)
        .join(Address, Address.id == Household.address_id)
        .where(in_window(DoorKnock.knocked_at, window))
    )
    return place_filter(statement, Address, window)


register(Source("door_knock", _l("Door knocks"), door_knock_mentions, door_knock_conversations))


# --- One-on-ones -----------------------------------------------------------------------------------------


def _resident_place():
    """Resident -> Household -> Address, outer-joined (a resident may have no known address)."""
    household, address = aliased(Household), aliased(Address)
    return household, address


def one_on_one_mentions(window: Window) -> Select:
    """Issues named in a one-on-one: the resident met; their story is the quote."""
    meeting, link = OneOnOne, one_on_one_issues
    household, address = _resident_place()
    statement = (
        select(
            meeting.resident_id.label("voice"),
            meeting.resident_id.label("resident_id"),
            link.c.issue_id.label("issue_id"),
            meeting.met_on.label("at"),
            bucket_of(meeting.met_on, window).label("bucket"),
            address.turf_id.label("turf_id"),
            address.area.label("area"),
            meeting.story.label("quote_text"),
            case((Resident.quote_consent.is_(True), True), else_=False).label("quote_consent"),
            meeting.note_sensitive.label("sensitive"),
            literal("one_on_one").label("kind"),
            meeting.id.label("conversation_id"),
        )
        .select_from(link)
        .join(meeting, meeting.id == link.c.one_on_one_id)
        .join(Resident, Resident.id == meeting.resident_id)
        .outerjoin(household, household.id == Resident.household_id)
        .outerjoin(address, address.id == household.address_id)
        .where(in_window(meeting.met_on, window))
    )
    if window.issue_id is not None:
        statement = statement.where(link.c.issue_id == window.issue_id)
    return place_filter(statement, address, window)


def one_on_one_conversations(window: Window) -> Select:
    """Every one-on-one, placed where the resident lives."""
    household, address = _resident_place()
    statement = (
        select(
            literal("one_on_one").label("kind"),
            OneOnOne.id.label("conversation_id"),
            OneOnOne.met_on.label("at"),
            bucket_of(OneOnOne.met_on, window).label("bucket"),
            address.turf_id.label("turf_id"),
            address.area.label("area"),
        )
        .join(Resident, Resident.id == OneOnOne.resident_id)
        .outerjoin(household, household.id == Resident.household_id)
        .outerjoin(address, address.id == household.address_id)
        .where(in_window(OneOnOne.met_on, window))
    )
    return place_filter(statement, address, window)


register(
    Source(
        "one_on_one",
        _l("One-on-ones"),
        one_on_one_mentions,
        one_on_one_conversations,
        roles=("organizer", "leader"),
    )
)


# --- House meetings --------------------------------------------------------------------------------------


def _house_meeting_people():
    """(meeting id, resident id) for the host and every attendee, without duplicates."""
    hosts = select(HouseMeeting.id.label("meeting_id"), HouseMeeting.host_id.label("resident_id")).where(
        HouseMeeting.host_id.is_not(None)
    )
    attendees = select(
        HouseMeetingAttendee.house_meeting_id.label("meeting_id"), HouseMeetingAttendee.resident_id.label("resident_id")
    )
    return hosts.union(attendees).subquery("house_meeting_people")


def house_meeting_mentions(window: Window) -> Select:
    """Issues surfaced at a house meeting count for the host and every attendee; its notes are never a
    single person's words, so they are not quotable in public (quote_consent false)."""
    meeting, link = HouseMeeting, house_meeting_issues
    people = _house_meeting_people()
    household, address = _resident_place()
    statement = (
        select(
            people.c.resident_id.label("voice"),
            people.c.resident_id.label("resident_id"),
            link.c.issue_id.label("issue_id"),
            meeting.held_on.label("at"),
            bucket_of(meeting.held_on, window).label("bucket"),
            address.turf_id.label("turf_id"),
            address.area.label("area"),
            meeting.notes.label("quote_text"),
            false().label("quote_consent"),
            meeting.note_sensitive.label("sensitive"),
            literal("house_meeting").label("kind"),
            meeting.id.label("conversation_id"),
        )
        .select_from(link)
        .join(meeting, meeting.id == link.c.house_meeting_id)
        .join(people, people.c.meeting_id == meeting.id)
        .join(Resident, Resident.id == people.c.resident_id)
        .outerjoin(household, household.id == Resident.household_id)
        .outerjoin(address, address.id == household.address_id)
        .where(in_window(meeting.held_on, window))
    )
    if window.issue_id is not None:
        statement = statement.where(link.c.issue_id == window.issue_id)
    return place_filter(statement, address, window)


def house_meeting_conversations(window: Window) -> Select:
    """Every house meeting, placed where its host lives."""
    household, address = _resident_place()
    statement = (
        select(
            literal("house_meeting").label("kind"),
            HouseMeeting.id.label("conversation_id"),
            HouseMeeting.held_on.label("at"),
            bucket_of(HouseMeeting.held_on, window).label("bucket"),
            address.turf_id.label("turf_id"),
            address.area.label("area"),
        )
        .outerjoin(Resident, Resident.id == HouseMeeting.host_id)
        .outerjoin(household, household.id == Resident.household_id)
        .outerjoin(address, address.id == household.address_id)
        .where(in_window(HouseMeeting.held_on, window))
    )
    return place_filter(statement, address, window)


register(
    Source(
        "house_meeting",
        _l("House meetings"),
        house_meeting_mentions,
        house_meeting_conversations,
        roles=("organizer", "leader"),
    )
)
