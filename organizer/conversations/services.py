"""Verbs on conversations: log, edit, tag issues, keep promises, move people on the ladder (add + flush)."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, delete, exists, insert, or_, select, update
from sqlalchemy.orm import aliased

from organizer.audit import services as audit
from organizer.auth.models import Role
from organizer.conversations.models import (
    ASK_ANSWERS,
    COMMITMENT_STATUSES,
    EVIDENCE_KINDS,
    Assessment,
    Commitment,
    DoorKnock,
    HouseMeeting,
    HouseMeetingAttendee,
    Issue,
    OneOnOne,
    StageChange,
    door_knock_issues,
    house_meeting_issues,
    one_on_one_issues,
)
from organizer.db import utcnow
from organizer.extensions import db
from organizer.kernel.time import local_today
from organizer.residents import services as residents_services
from organizer.residents.models import (
    CONSENT_BASES,
    LEADERSHIP_STAGES,
    Household,
    Resident,
    resident_issues,
)
from organizer.residents.normalize import fold, name_key
from organizer.residents.services import door_scope, get_or_create_issue, issue_key

ISSUE_LINK_TABLES = (
    (door_knock_issues, "door_knock_id"),
    (one_on_one_issues, "one_on_one_id"),
    (house_meeting_issues, "house_meeting_id"),
    (resident_issues, "resident_id"),
)


class ConversationError(ValueError):
    """A request the rules refuse (message is shown to the user)."""


# --- Who sees what ---------------------------------------------------------------------------------------


def sees_all_notes(viewer) -> bool:
    """Organizers and admins read every note, sensitive or not."""
    return viewer.has_role(Role.ORGANIZER)


def may_read_note(viewer, sensitive: bool, author_id: int | None) -> bool:
    """A sensitive note is for organizers, admins and its own author."""
    return not sensitive or sees_all_notes(viewer) or (author_id is not None and author_id == viewer.id)


def knockable_household_ids(user, today: date | None = None):
    """A select of household ids `user` may knock at (the door scope, organizer.residents.services.door_scope)."""
    return door_scope(user, today)


def may_knock(user, household_id: int, today: date | None = None) -> bool:
    """Organizers, leaders and admins log anywhere; canvassers only at doors of their current turfs."""
    if user.has_role(Role.ORGANIZER, Role.LEADER):
        return True
    query = knockable_household_ids(user, today).where(Household.id == household_id).limit(1)
    return db.session.scalar(query) is not None


# --- Residents (picking) ---------------------------------------------------------------------------------


def search_residents(query: str, limit: int = 20, household_ids=None) -> list[Resident]:
    """Residents whose folded name holds every word of `query` ("hel dup" finds Hélène Dupont)."""
    words = fold(query).split()
    if not words:
        return []
    statement = select(Resident)
    for word in words[:5]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(Resident.name_key.like(f"%{escaped}%", escape="\\"))
    if household_ids is not None:
        statement = statement.where(Resident.household_id.in_(household_ids))
    statement = statement.options(residents_services.with_address())
    return list(db.session.scalars(statement.order_by(Resident.name_key, Resident.id).limit(limit)))


def resident_label(resident: Resident) -> str:
    """What a picker shows: the name, the street and the phone's end (namesakes told apart), and a mark for
    do-not-contact; the resident's household and address must be loaded (residents' with_address())."""
    label = resident.display_name or f"#{resident.id}"
    hint = residents_services.resident_hint(resident)
    if hint:
        label = f"{label} — {hint}"
    return f"{label} ⚠" if resident.do_not_contact else label


def touch_contact(resident_id: int | None, at: datetime | date | None) -> None:
    """Remember the latest contact with a resident (never moves it back in time)."""
    if resident_id is None or at is None:
        return
    if not isinstance(at, datetime):
        at = datetime.combine(at, time(12, 0), tzinfo=UTC)
    db.session.execute(
        update(Resident)
        .where(
            Resident.id == resident_id,
            or_(Resident.last_contacted_at.is_(None), Resident.last_contacted_at < at),
        )
        .values(last_contacted_at=at)
        .execution_options(synchronize_session=False)
    )


def add_resident_on_the_spot(
    first_name: str, last_name: str, consent_basis: str, consent_method: str, source: str, by_user
) -> Resident:
    """A new resident met at a meeting: name, and how we may keep them (GDPR) are required."""
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    if not first_name or not last_name:
        raise ConversationError("first and last name are required")
    if consent_basis not in CONSENT_BASES or not (consent_method or "").strip():
        raise ConversationError("consent basis and how it was obtained are required")
    resident = Resident(
        first_name=first_name,
        last_name=last_name,
        name_key=name_key(first_name, last_name),
        data_source=source,
        consent_basis=consent_basis,
        consent_date=local_today(),
        consent_method=consent_method.strip(),
        created_by_id=by_user.id if by_user else None,
        updated_by_id=by_user.id if by_user else None,
    )
    db.session.add(resident)
    db.session.flush()
    return resident


# --- Issues ----------------------------------------------------------------------------------------------


def issues_from(ids: list[int] | None, new_names: str | None) -> list[Issue]:
    """Chosen issues plus new ones typed as "rent, lighting" (created on the fly), without duplicates."""
    found = list(db.session.scalars(select(Issue).where(Issue.id.in_(ids or [])))) if ids else []
    for name in (new_names or "").replace(";", ",").split(","):
        issue = get_or_create_issue(name)
        if issue is not None:
            found.append(issue)
    unique = {issue.id: issue for issue in found}
    return sorted(unique.values(), key=lambda issue: issue.key)


def all_issues() -> list[Issue]:
    return list(db.session.scalars(select(Issue).order_by(Issue.key)))


def rename_issue(issue: Issue, name: str) -> None:
    """Rename; refused when another issue already has that name (merge them instead)."""
    name = " ".join((name or "").split())[:120]
    key = issue_key(name)
    if not key:
        raise ConversationError("empty")
    other = db.session.scalar(select(Issue).where(Issue.key == key, Issue.id != issue.id))
    if other is not None:
        raise ConversationError("exists")
    issue.name, issue.key = name, key
    db.session.flush()
    audit.record("issue.rename", issue)


def merge_issues(source: Issue, target: Issue) -> int:
    """Move every link of `source` to `target` (no duplicates), then delete `source`; returns links moved."""
    if source.id == target.id:
        raise ConversationError("same")
    moved = 0
    for table, owner in ISSUE_LINK_TABLES:
        owner_col, issue_col = table.c[owner], table.c.issue_id
        already = select(table.c[owner]).where(issue_col == target.id)
        rows = select(owner_col, db.literal(target.id)).where(issue_col == source.id, owner_col.not_in(already))
        result = db.session.execute(insert(table).from_select([owner, "issue_id"], rows))
        moved += result.rowcount or 0
        db.session.execute(delete(table).where(issue_col == source.id))
    source_id = source.id
    db.session.delete(source)
    db.session.flush()
    audit.record("issue.merge", target, merged_id=source_id, links=moved)
    return moved


def issue_usage() -> dict[int, int]:
    """How many conversations and residents each issue is tagged on."""
    counts: dict[int, int] = {}
    for table, _owner in ISSUE_LINK_TABLES:
        for issue_id, n in db.session.execute(select(table.c.issue_id, db.func.count()).group_by(table.c.issue_id)):
            counts[issue_id] = counts.get(issue_id, 0) + n
    return counts


# --- Door knocks -----------------------------------------------------------------------------------------


def log_door_knock(
    *,
    household_id: int,
    canvasser,
    result: str,
    resident_id: int | None = None,
    knocked_at: datetime | None = None,
    support_level: int | None = None,
    issues: list[Issue] | None = None,
    note: str | None = None,
    note_sensitive: bool = False,
    follow_up: bool = False,
    entered_via: str = "manual",
) -> DoorKnock:
    """Record one knock; refused at a door outside the canvasser's current turfs."""
    if not may_knock(canvasser, household_id):
        raise ConversationError("turf")
    knock = DoorKnock(
        household_id=household_id,
        resident_id=resident_id,
        canvasser_id=canvasser.id,
        knocked_at=knocked_at or utcnow(),
        result=result,
        support_level=support_level,
        note=(note or "").strip() or None,
        note_sensitive=bool(note_sensitive),
        follow_up=bool(follow_up),
        entered_via=entered_via,
        issues=issues or [],
    )
    db.session.add(knock)
    if resident_id and result == "talked":
        touch_contact(resident_id, knock.knocked_at)
    db.session.flush()
    audit.record("door_knock.create", knock)
    return knock


# --- One-on-ones -----------------------------------------------------------------------------------------

ONE_ON_ONE_FIELDS = (
    "resident_id",
    "met_on",
    "place",
    "duration_minutes",
    "referred_by_id",
    "story",
    "needs",
    "sources_of_meaning",
    "networks",
    "energy",
    "ask",
    "answer",
    "answer_by",
    "follow_up_on",
    "assessment",
    "note_sensitive",
)


def _clean(value):
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def save_one_on_one(meeting: OneOnOne | None, data: dict, issues: list[Issue], by_user) -> OneOnOne:
    """Create or update a one-on-one; a new or changed assessment is appended to the history."""
    if data.get("answer") and data["answer"] not in ASK_ANSWERS:
        raise ConversationError("answer")
    creating = meeting is None
    if creating:
        meeting = OneOnOne(organizer_id=by_user.id, issues=[])
        db.session.add(meeting)
    previous_assessment = None if creating else meeting.assessment
    for name in ONE_ON_ONE_FIELDS:
        if name in data:
            setattr(meeting, name, _clean(data[name]))
    meeting.note_sensitive = bool(data.get("note_sensitive"))
    meeting.issues = issues
    db.session.flush()
    if meeting.assessment and meeting.assessment != previous_assessment:
        db.session.add(
            Assessment(
                resident_id=meeting.resident_id,
                one_on_one_id=meeting.id,
                text=meeting.assessment,
                energy=meeting.energy,
                sensitive=meeting.note_sensitive,
                by_id=by_user.id,
            )
        )
    touch_contact(meeting.resident_id, meeting.met_on)
    db.session.flush()
    audit.record("one_on_one.create" if creating else "one_on_one.update", meeting)
    return meeting


# --- House meetings --------------------------------------------------------------------------------------


@dataclass
class AttendeeInput:
    """One line of the attendee list: an existing resident or a new one, who brought them, new host."""

    resident_id: int | None = None
    first_name: str = ""
    last_name: str = ""
    consent_basis: str = ""
    consent_method: str = ""
    # "" (nobody), "host", "line-N" (another line of the same list) or "r-ID" (a resident id).
    brought_by: str = ""
    new_host: bool = False

    @property
    def is_new(self) -> bool:
        return self.resident_id is None and bool(self.first_name or self.last_name)


def save_house_meeting(
    meeting: HouseMeeting | None, data: dict, issues: list[Issue], attendees: list[AttendeeInput], by_user
) -> HouseMeeting:
    """Create or update a house meeting; new attendees become residents with their consent recorded."""
    creating = meeting is None
    if creating:
        meeting = HouseMeeting(organizer_id=by_user.id, attendees=[], issues=[])
        db.session.add(meeting)
    for name in ("host_id", "held_on", "place", "notes"):
        if name in data:
            setattr(meeting, name, _clean(data[name]))
    meeting.note_sensitive = bool(data.get("note_sensitive"))
    meeting.issues = issues
    source = f"house meeting {meeting.held_on.isoformat()}"
    line_ids: list[int | None] = []
    for line in attendees:
        resident_id = line.resident_id
        if line.is_new:
            resident_id = add_resident_on_the_spot(
                line.first_name, line.last_name, line.consent_basis, line.consent_method, source, by_user
            ).id
        line_ids.append(resident_id)
    rows: dict[int, HouseMeetingAttendee] = {}
    for line, resident_id in zip(attendees, line_ids, strict=True):
        if resident_id is None or resident_id == meeting.host_id:
            continue
        brought_by_id = _resolve_brought_by(line.brought_by, meeting.host_id, line_ids)
        rows[resident_id] = HouseMeetingAttendee(
            resident_id=resident_id,
            brought_by_id=brought_by_id if brought_by_id != resident_id else None,
            new_host=bool(line.new_host),
        )
    if not creating:
        existing = {a.resident_id: a for a in meeting.attendees}
        for resident_id, row in rows.items():
            if resident_id in existing:
                existing[resident_id].brought_by_id = row.brought_by_id
                existing[resident_id].new_host = row.new_host
                rows[resident_id] = existing[resident_id]
    meeting.attendees = list(rows.values())
    db.session.flush()
    for resident_id in [meeting.host_id, *rows]:
        touch_contact(resident_id, meeting.held_on)
    db.session.flush()
    action = "house_meeting.create" if creating else "house_meeting.update"
    audit.record(action, meeting, attendees=len(meeting.attendees))
    return meeting


def _resolve_brought_by(ref: str, host_id: int | None, line_ids: list[int | None]) -> int | None:
    ref = (ref or "").strip()
    if ref == "host":
        return host_id
    if ref.startswith("line-") and ref[5:].isdigit() and int(ref[5:]) < len(line_ids):
        return line_ids[int(ref[5:])]
    if ref.startswith("r-") and ref[2:].isdigit():
        return int(ref[2:])
    return None


def brought_chain(resident_id: int, limit: int = 20) -> list[tuple[int, int]]:
    """Walk "who brought whom" upwards from a resident: [(resident, brought_by), ...] across meetings."""
    chain, seen, current = [], {resident_id}, resident_id
    for _ in range(limit):
        by = db.session.scalar(
            select(HouseMeetingAttendee.brought_by_id)
            .join(HouseMeeting)
            .where(HouseMeetingAttendee.resident_id == current, HouseMeetingAttendee.brought_by_id.is_not(None))
            .order_by(HouseMeeting.held_on)
            .limit(1)
        )
        if by is None or by in seen:
            break
        chain.append((current, by))
        seen.add(by)
        current = by
    return chain


# --- Commitments -----------------------------------------------------------------------------------------


def save_commitment(commitment: Commitment | None, data: dict, by_user) -> Commitment:
    """Create or update a promise; exactly one side promised (a resident or a user)."""
    created = commitment is None
    if commitment is None:
        commitment = Commitment(created_by_id=by_user.id, status="open")
        db.session.add(commitment)
    for name in (
        "from_resident_id",
        "from_user_id",
        "to_user_id",
        "to_resident_id",
        "what",
        "due_on",
        "owner_id",
        "source_type",
        "source_id",
    ):
        if name in data:
            setattr(commitment, name, _clean(data[name]))
    if not commitment.what:
        raise ConversationError("what")
    if not (commitment.from_resident_id or commitment.from_user_id):
        raise ConversationError("from")
    if "status" in data:
        set_commitment_status(commitment, data["status"])
    db.session.flush()
    audit.record("commitment.create" if created else "commitment.update", commitment)
    return commitment


def set_commitment_status(commitment: Commitment, status: str) -> None:
    """open / done / dropped; done_at records when it was kept."""
    if status not in COMMITMENT_STATUSES:
        raise ConversationError("status")
    if status == "done" and commitment.status != "done":
        commitment.done_at = utcnow()
    elif status != "done":
        commitment.done_at = None
    commitment.status = status


def change_commitment_status(commitment: Commitment, status: str) -> None:
    """Mark a commitment done, dropped or open again (audited)."""
    set_commitment_status(commitment, status)
    db.session.flush()
    audit.record("commitment.status", commitment, status=status)


@dataclass
class FollowUps:
    """A user's open promises to follow up, in the order they should be read."""

    overdue: list = field(default_factory=list)
    this_week: list = field(default_factory=list)
    later: list = field(default_factory=list)
    meetings: list = field(default_factory=list)  # one-on-ones whose follow-up date is set
    doors: list = field(default_factory=list)  # my door knocks where they asked for a follow-up

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.this_week or self.later or self.meetings or self.doors)


def follow_ups(user, today: date | None = None) -> FollowUps:
    """Open commitments the user owns or made: overdue first, due within 7 days, then the rest (no date last)."""
    from sqlalchemy.orm import selectinload

    today = today or local_today()
    week_end = today + timedelta(days=7)
    commitments = db.session.scalars(
        select(Commitment)
        .where(
            Commitment.status == "open",
            or_(Commitment.owner_id == user.id, Commitment.from_user_id == user.id),
        )
        .options(
            selectinload(Commitment.from_resident),
            selectinload(Commitment.to_resident),
            selectinload(Commitment.from_user),
            selectinload(Commitment.to_user),
        )
        .order_by(Commitment.due_on.is_(None), Commitment.due_on, Commitment.id)
    ).all()
    result = FollowUps()
    for commitment in commitments:
        if commitment.due_on is not None and commitment.due_on < today:
            result.overdue.append(commitment)
        elif commitment.due_on is not None and commitment.due_on <= week_end:
            result.this_week.append(commitment)
        else:
            result.later.append(commitment)
    # One-on-ones awaiting their follow-up: no later one-on-one with that resident since.
    later_meeting = aliased(OneOnOne)
    result.meetings = list(
        db.session.scalars(
            select(OneOnOne)
            .where(
                OneOnOne.organizer_id == user.id,
                OneOnOne.follow_up_on.is_not(None),
                ~exists().where(
                    and_(later_meeting.resident_id == OneOnOne.resident_id, later_meeting.met_on > OneOnOne.met_on)
                ),
            )
            .options(selectinload(OneOnOne.resident))
            .order_by(OneOnOne.follow_up_on, OneOnOne.id)
        )
    )
    # Doors where they asked to be contacted again, with no knock there since (last 90 days).
    later_knock = aliased(DoorKnock)
    since = datetime.combine(today - timedelta(days=90), time(0, 0), tzinfo=UTC)
    result.doors = list(
        db.session.scalars(
            select(DoorKnock)
            .where(
                DoorKnock.canvasser_id == user.id,
                DoorKnock.follow_up.is_(True),
                DoorKnock.knocked_at >= since,
                ~exists().where(
                    and_(
                        later_knock.household_id == DoorKnock.household_id,
                        later_knock.knocked_at > DoorKnock.knocked_at,
                    )
                ),
            )
            .options(
                selectinload(DoorKnock.resident), selectinload(DoorKnock.household).selectinload(Household.address)
            )
            .order_by(DoorKnock.knocked_at, DoorKnock.id)
        )
    )
    return result


# --- Leadership ladder -----------------------------------------------------------------------------------


def move_stage(resident: Resident, to_stage: str, evidence_kind: str, evidence: str, by_user) -> StageChange:
    """Move a resident on the ladder; the evidence is required and every move is kept."""
    if to_stage not in LEADERSHIP_STAGES:
        raise ConversationError("stage")
    if to_stage == resident.leadership_stage:
        raise ConversationError("same")
    if evidence_kind not in EVIDENCE_KINDS or not (evidence or "").strip():
        raise ConversationError("evidence")
    change = StageChange(
        resident_id=resident.id,
        from_stage=resident.leadership_stage or "contact",
        to_stage=to_stage,
        evidence_kind=evidence_kind,
        evidence=evidence.strip(),
        by_id=by_user.id,
    )
    resident.leadership_stage = to_stage
    resident.updated_by_id = by_user.id
    db.session.add(change)
    db.session.flush()
    audit.record("resident.stage", resident, to_stage=change.to_stage, evidence_kind=change.evidence_kind)
    return change
