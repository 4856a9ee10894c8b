"""The listening report: issues ranked by distinct residents, trend, strongest places, quotes, drill-down.

All counting happens in SQL over the UNION ALL of the registered sources (organizer/reports/sources.py):
one aggregate query for the counts and one for the quotes, whatever the number of issues.
"""

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sqlalchemy import String, cast, func, literal, literal_column, null, select, union_all
from sqlalchemy.orm import selectinload

from organizer.auth.models import Role
from organizer.conversations.models import DoorKnock, HouseMeeting, Issue, OneOnOne
from organizer.extensions import db
from organizer.kernel.time import local_today
from organizer.reports.sources import Window, in_window, kinds_for, mentions_union
from organizer.residents.models import Address, Household, Resident
from organizer.turfs.access import assigned_turf_ids
from organizer.turfs.models import Turf

SMALL_COUNT = 5  # public documents show counts under this as "fewer than 5"
QUOTES_PER_ISSUE = 3
PLACES_PER_ISSUE = 3
DRILL_DOWN_LIMIT = 200
PLACE_KINDS = ("turf", "area")
NO_PLACE = ""  # conversations outside any turf / area


# --- Who sees what ---------------------------------------------------------------------------------------


def visible_turf_ids(viewer, today: date | None = None):
    """None when `viewer` sees everything; else a select of the turf ids assigned to them (organizer.turfs.access)."""
    if viewer.has_role(Role.ORGANIZER, Role.LEADER):
        return None
    return assigned_turf_ids(viewer, today)


def sees_sensitive(viewer) -> bool:
    """Sensitive notes are quoted to organizers and admins only."""
    return viewer is not None and viewer.has_role(Role.ORGANIZER)


# --- The report ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportQuery:
    """A period (inclusive dates), an optional set of turfs and areas, and how places are grouped."""

    start: date
    end: date
    turf_ids: tuple[int, ...] | None = None
    areas: tuple[str, ...] | None = None
    by: str = "turf"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous_start(self) -> date:
        return self.start - timedelta(days=self.days)

    @property
    def previous_end(self) -> date:
        return self.start - timedelta(days=1)

    def window(self, viewer=None, *, issue_id: int | None = None) -> Window:
        """Buckets: 0 = the previous period of the same length, 1 = this period."""
        return Window(
            bounds=(self.previous_start, self.start, self.end + timedelta(days=1)),
            turf_ids=self.turf_ids,
            areas=self.areas,
            visible_turf_ids=visible_turf_ids(viewer) if viewer is not None else None,
            kinds=kinds_for(viewer) if viewer is not None else None,
            issue_id=issue_id,
        )


def default_query(today: date | None = None) -> ReportQuery:
    """The last 90 days, ending today."""
    today = today or local_today()
    return ReportQuery(start=today - timedelta(days=89), end=today)


@dataclass
class Place:
    key: str  # turf id as text, area name, or NO_PLACE
    label: str
    count: int
    heard: int  # distinct residents heard on any issue there

    @property
    def share(self) -> float:
        return self.count / self.heard if self.heard else 0.0


@dataclass
class Quote:
    text: str
    kind: str
    conversation_id: int
    sensitive: bool
    resident_id: int | None = None


@dataclass
class IssueLine:
    issue_id: int
    name: str
    current: int = 0
    previous: int = 0
    places: list[Place] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)

    @property
    def delta(self) -> int:
        return self.current - self.previous


@dataclass
class ListeningReport:
    query: ReportQuery
    public: bool
    lines: list[IssueLine]
    heard: int  # distinct residents who raised any issue this period
    heard_previous: int
    place_labels: dict[str, str]


def _place_column(mentions, by: str):
    column = mentions.c.turf_id if by == "turf" else mentions.c.area
    # A literal in the SQL text (not a bound parameter): PostgreSQL must see SELECT and GROUP BY as one expression.
    return func.coalesce(cast(column, String), literal_column("''"))


def _mostly_in(window: Window) -> bool:
    """SQLite only: whether the window holds over a fifth of all door knocks (two index-only counts)."""
    if db.engine.dialect.name != "sqlite":
        return False
    inside = db.session.scalar(
        select(func.count()).select_from(DoorKnock).where(in_window(DoorKnock.knocked_at, window))
    )
    total = db.session.scalar(select(func.count()).select_from(DoorKnock))
    return bool(total) and inside * 5 > total


def counts(window: Window, by: str = "turf") -> list[tuple]:
    """One SQL query: (what, issue_id, bucket, place, distinct voices) for issues, places and totals."""
    union = mentions_union(replace(window, detail=False, prefer_scan=_mostly_in(window)))
    if union is None:
        return []
    # Materialized once, read by the four groupings (SQLite >= 3.35 and PostgreSQL >= 12 take the hint).
    mentions = select(union).cte("m")
    place = _place_column(mentions, by)
    voices = func.count(mentions.c.voice.distinct())
    per_issue = select(
        literal("issue").label("what"),
        mentions.c.issue_id,
        mentions.c.bucket,
        cast(null(), String).label("place"),
        voices.label("n"),
    ).group_by(mentions.c.issue_id, mentions.c.bucket)
    per_issue_place = (
        select(literal("issue_place"), mentions.c.issue_id, mentions.c.bucket, place, voices)
        .where(mentions.c.bucket == 1)
        .group_by(mentions.c.issue_id, mentions.c.bucket, place)
    )
    per_place = (
        select(literal("place"), null(), mentions.c.bucket, place, voices)
        .where(mentions.c.bucket == 1)
        .group_by(mentions.c.bucket, place)
    )
    total = select(literal("total"), null(), mentions.c.bucket, cast(null(), String), voices).group_by(
        mentions.c.bucket
    )
    return list(db.session.execute(union_all(per_issue, per_issue_place, per_place, total)))


def quotes(window: Window, *, include_sensitive: bool, consent_only: bool, issue_ids=None) -> dict[int, list[Quote]]:
    """The latest QUOTES_PER_ISSUE notes of this period per issue (one query, ROW_NUMBER per issue)."""
    union = mentions_union(window)
    if union is None:
        return {}
    conditions = [union.c.bucket == 1, union.c.quote_text.is_not(None), func.length(union.c.quote_text) > 0]
    if not include_sensitive:
        conditions.append(union.c.sensitive.is_not(True))
    if consent_only:
        conditions.append(union.c.quote_consent.is_(True))
    if issue_ids is not None:
        conditions.append(union.c.issue_id.in_(issue_ids))
    distinct_quotes = (
        select(
            union.c.issue_id,
            union.c.kind,
            union.c.conversation_id,
            union.c.quote_text,
            union.c.sensitive,
            func.max(union.c.resident_id).label("resident_id"),
            func.max(union.c.at).label("at"),
        )
        .where(*conditions)
        .group_by(union.c.issue_id, union.c.kind, union.c.conversation_id, union.c.quote_text, union.c.sensitive)
        .subquery()
    )
    ranked = select(
        distinct_quotes,
        func.row_number()
        .over(
            partition_by=distinct_quotes.c.issue_id,
            order_by=(distinct_quotes.c.at.desc(), distinct_quotes.c.conversation_id.desc()),
        )
        .label("rank"),
    ).subquery()
    rows = db.session.execute(
        select(ranked).where(ranked.c.rank <= QUOTES_PER_ISSUE).order_by(ranked.c.issue_id, ranked.c.rank)
    )
    result: dict[int, list[Quote]] = {}
    for row in rows:
        text = " ".join(row.quote_text.split())
        if len(text) > 280:
            text = text[:277].rstrip() + "…"
        quote = Quote(text, row.kind, row.conversation_id, bool(row.sensitive), row.resident_id)
        result.setdefault(row.issue_id, []).append(quote)
    return result


def scrub_quotes(found: dict[int, list[Quote]]) -> None:
    """Public quotes: blank out the quoted resident's names and street, should the note mention them."""
    ids = {q.resident_id for quotes_ in found.values() for q in quotes_ if q.resident_id}
    if not ids:
        return
    statement = (
        select(Resident.id, Resident.first_name, Resident.last_name, Resident.preferred_name, Address.street)
        .outerjoin(Household, Household.id == Resident.household_id)
        .outerjoin(Address, Address.id == Household.address_id)
        .where(Resident.id.in_(ids))
    )
    words = {row[0]: [w for w in row[1:] if w and len(w.strip()) >= 2] for row in db.session.execute(statement)}
    for quotes_ in found.values():
        for quote in quotes_:
            for word in sorted(words.get(quote.resident_id, []), key=len, reverse=True):
                quote.text = re.sub(re.escape(word.strip()), "…", quote.text, flags=re.IGNORECASE)


def listening_report(
    query: ReportQuery, viewer=None, *, public: bool = False, include_sensitive: bool | None = None
) -> ListeningReport:
    """Issues ranked by distinct residents this period, with the previous period, places and quotes.

    viewer None: everything (the command line). public: quotes only from consenting residents, never from
    sensitive notes, and only for issues raised by at least SMALL_COUNT residents. include_sensitive: False for
    anything printed; by default organizers and admins see sensitive notes quoted on screen."""
    window = query.window(viewer)
    lines: dict[int, IssueLine] = {}
    per_place: dict[int, list[tuple[str, int]]] = {}
    heard_in: dict[str, int] = {}
    totals = {0: 0, 1: 0}
    for what, issue_id, bucket, place, n in counts(window, query.by):
        if what == "issue":
            line = lines.setdefault(issue_id, IssueLine(issue_id, ""))
            if bucket == 1:
                line.current = n
            else:
                line.previous = n
        elif what == "issue_place":
            per_place.setdefault(issue_id, []).append((place, n))
        elif what == "place":
            heard_in[place] = n
        else:
            totals[bucket] = n
    names = {i: name for i, name in db.session.execute(select(Issue.id, Issue.name).where(Issue.id.in_(list(lines))))}
    labels = place_labels(query.by, {p for places in per_place.values() for p, _n in places})
    for issue_id, line in lines.items():
        line.name = names.get(issue_id, f"#{issue_id}")
        places = [Place(p, labels.get(p, p), n, heard_in.get(p, 0)) for p, n in per_place.get(issue_id, [])]
        places.sort(key=lambda pl: (-pl.count, -pl.share, pl.label))
        line.places = places[:PLACES_PER_ISSUE]
    if public:
        quotable = [i for i, line in lines.items() if line.current >= SMALL_COUNT]
        found = quotes(window, include_sensitive=False, consent_only=True, issue_ids=quotable) if quotable else {}
        scrub_quotes(found)
    else:
        if include_sensitive is None:
            include_sensitive = sees_sensitive(viewer)
        found = quotes(window, include_sensitive=include_sensitive, consent_only=False) if lines else {}
    for issue_id, issue_quotes in found.items():
        if issue_id in lines:
            lines[issue_id].quotes = issue_quotes
    ranked = sorted(lines.values(), key=lambda line: (-line.current, -line.previous, line.name.lower()))
    return ListeningReport(query, public, ranked, totals[1], totals[0], labels)


def place_labels(by: str, keys) -> dict[str, str]:
    """Turf names for turf ids (as text); areas are their own label."""
    labels = {key: key for key in keys}
    if by == "turf":
        ids = [int(key) for key in keys if key and key.isdigit()]
        if ids:
            for turf_id, name in db.session.execute(select(Turf.id, Turf.name).where(Turf.id.in_(ids))):
                labels[str(turf_id)] = name
    return labels


# --- Public rendering rules ------------------------------------------------------------------------------


def is_small(n: int) -> bool:
    return n < SMALL_COUNT


def public_trend(current: int, previous: int) -> str:
    """A trend that never lets a small count be worked out: "+3", "-2", "=", "up", "down" or ""."""
    if not is_small(current) and not is_small(previous):
        delta = current - previous
        return "=" if delta == 0 else f"{delta:+d}"
    if not is_small(current):
        return "up"
    if not is_small(previous):
        return "down"
    return ""


# --- Drill-down ------------------------------------------------------------------------------------------


@dataclass
class DrillDown:
    conversations: list[tuple[str, object]]  # (kind, loaded object), newest first
    truncated: bool


def drill_down(query: ReportQuery, viewer, *, issue_id: int, bucket: int = 1, place: str | None = None) -> DrillDown:
    """The conversations behind one number, filtered by what the viewer may see (role and turfs)."""
    window = query.window(viewer, issue_id=issue_id)
    union = mentions_union(window)
    if union is None:
        return DrillDown([], False)
    statement = select(union.c.kind, union.c.conversation_id, func.max(union.c.at).label("at")).where(
        union.c.bucket == bucket
    )
    if place is not None:
        statement = statement.where(_place_column(union, query.by) == place)
    statement = (
        statement.group_by(union.c.kind, union.c.conversation_id)
        .order_by(func.max(union.c.at).desc(), union.c.conversation_id.desc())
        .limit(DRILL_DOWN_LIMIT + 1)
    )
    keys = [(row.kind, row.conversation_id) for row in db.session.execute(statement)]
    truncated = len(keys) > DRILL_DOWN_LIMIT
    keys = keys[:DRILL_DOWN_LIMIT]
    loaded = _load_conversations(keys)
    return DrillDown([(kind, loaded[(kind, cid)]) for kind, cid in keys if (kind, cid) in loaded], truncated)


LOADERS = {
    "door_knock": (
        DoorKnock,
        (
            selectinload(DoorKnock.resident),
            selectinload(DoorKnock.canvasser),
            selectinload(DoorKnock.issues),
            selectinload(DoorKnock.household).selectinload(Household.address),
        ),
    ),
    "one_on_one": (
        OneOnOne,
        (selectinload(OneOnOne.resident), selectinload(OneOnOne.organizer), selectinload(OneOnOne.issues)),
    ),
    "house_meeting": (
        HouseMeeting,
        (selectinload(HouseMeeting.host), selectinload(HouseMeeting.issues), selectinload(HouseMeeting.attendees)),
    ),
}


def _load_conversations(keys: list[tuple[str, int]]) -> dict[tuple[str, int], object]:
    """One query per kind (plus its eager loads), never one per row."""
    loaded = {}
    for kind in {kind for kind, _id in keys}:
        model, options = LOADERS[kind]
        ids = [cid for k, cid in keys if k == kind]
        for obj in db.session.scalars(select(model).where(model.id.in_(ids)).options(*options)):
            loaded[(kind, obj.id)] = obj
    return loaded
