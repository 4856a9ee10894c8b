"""Merging two records of one person, field by field, and undoing it within MERGE_UNDO_DAYS.

A merge keeps one resident (`keep`) and folds the other in: for each field the person chose whose value
stays; every row of any feature that points at the other (conversations, commitments, attendance, tags,
issues...) is moved to `keep`, except a row `keep` already has (both at the same action: one RSVP stays).
Everything needed to put the two records back is saved in a ResidentMerge: the other's row, the kept
values it replaced, the rows moved and the rows dropped.
"""

import base64
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, DateTime, LargeBinary, TypeDecorator, and_, delete, func, insert, select, update

from organizer.audit import services as audit
from organizer.extensions import db
from organizer.residents.models import Household, Resident, ResidentMerge
from organizer.residents.services import RESIDENT_FIELDS, refresh_keys

MERGE_UNDO_DAYS = 30
# What the person chooses field by field; the household is the address.
CHOICE_FIELDS = tuple(f for f in RESIDENT_FIELDS if f not in ("note_sensitive",)) + ("household_id",)
# Fields the merge combines rather than choosing one side.
COMBINED = ("data_source", "note")
SKIPPED_TABLES = ("resident_merges",)
# What the rows pointing at a resident are, in words (tables of other features; unknown ones show their name).
TABLE_LABELS = {
    "door_knocks": _l("Door knocks"),
    "one_on_ones": _l("One-on-ones"),
    "commitments": _l("Commitments"),
    "action_attendees": _l("Actions (RSVP and attendance)"),
    "meeting_residents": _l("Meetings attended"),
    "house_meetings": _l("House meetings hosted"),
    "house_meeting_attendees": _l("House meetings attended"),
    "meeting_action_items": _l("Meeting action items"),
    "resident_tags": _l("Tags"),
    "resident_issues": _l("Issues"),
    "stage_changes": _l("Leadership stage changes"),
    "assessments": _l("Assessments"),
    "resident_revisions": _l("Rectification history"),
}


class MergeError(Exception):
    """The merge (or its undo) cannot be done; the message says why."""


@dataclass
class Side:
    """One field of the comparison: both values and which one stays unless the person says otherwise."""

    field: str
    keep: object
    other: object
    default: str  # "keep" or "other"

    @property
    def differs(self) -> bool:
        return self.keep != self.other and self.other not in (None, "")


def compare(keep: Resident, other: Resident) -> list[Side]:
    """Both records field by field; the default keeps `keep`'s value, or the other's where `keep` has none."""
    sides = []
    for name in CHOICE_FIELDS:
        mine, theirs = getattr(keep, name), getattr(other, name)
        default = "other" if mine in (None, "") and theirs not in (None, "") else "keep"
        sides.append(Side(name, mine, theirs, default))
    return sides


def linked_counts(resident_ids: list[int]) -> dict[int, dict[str, int]]:
    """How many rows of each table point at each resident (what the merge will move), one query per table."""
    counts: dict[int, dict[str, int]] = {rid: {} for rid in resident_ids}
    for table, column in resident_references():
        for rid, n in db.session.execute(select(column, func.count()).where(column.in_(resident_ids)).group_by(column)):
            counts[rid][table.name] = counts[rid].get(table.name, 0) + n
    return counts


def resident_references():
    """(table, column) of every foreign key pointing at residents.id, in any feature's tables."""
    refs = []
    for table in db.metadata.sorted_tables:
        if table.name in SKIPPED_TABLES or table.name == "residents":
            continue
        for column in table.columns:
            for fk in column.foreign_keys:
                if fk.column.table.name == "residents" and fk.column.name == "id":
                    refs.append((table, column))
    return refs


def _dump(table, row) -> dict:
    values = {}
    for column in table.columns:
        value = row[column.name]
        if isinstance(value, datetime | date):
            value = value.isoformat()
        elif isinstance(value, bytes):
            value = base64.b64encode(value).decode()
        values[column.name] = value
    return values


def _base_type(column):
    """The column's SQL type under any TypeDecorator (UTCDateTime is a DateTime)."""
    kind = column.type
    return kind.impl if isinstance(kind, TypeDecorator) else kind


def _load(table, values: dict) -> dict:
    row = {}
    for column in table.columns:
        if column.name not in values:
            continue
        value = values[column.name]
        if value is not None:
            if isinstance(_base_type(column), DateTime):
                value = datetime.fromisoformat(value)
            elif isinstance(_base_type(column), Date):
                value = date.fromisoformat(value)
            elif isinstance(_base_type(column), LargeBinary):
                value = base64.b64decode(value)
        row[column.name] = value
    return row


def _unique_sets(table, column) -> list[list]:
    """The column sets that must stay unique and include `column` (the primary key, unique indexes)."""
    sets = []
    if column.primary_key:
        sets.append(list(table.primary_key.columns))
    for index in table.indexes:
        if index.unique and column.name in index.columns:
            sets.append(list(index.columns))
    for constraint in table.constraints:
        if constraint.__class__.__name__ == "UniqueConstraint" and column.name in constraint.columns:
            sets.append(list(constraint.columns))
    return sets


def _move_rows(table, column, keep_id: int, other_id: int) -> tuple[list, list]:
    """Point `other`'s rows of `table` at `keep`; a row `keep` already has is dropped. Returns (moved, dropped)."""
    moved, dropped = [], []
    unique_sets = _unique_sets(table, column)
    primary = list(table.primary_key.columns)
    for row in db.session.execute(select(table).where(column == other_id)).mappings():
        clash = False
        for columns in unique_sets:
            others = [c for c in columns if c is not column]
            match = [c == row[c.name] for c in others]
            if db.session.execute(select(column).where(column == keep_id, *match).limit(1)).first() is not None:
                clash = True
                break
        where = and_(*[c == row[c.name] for c in primary])
        if clash:
            dropped.append(_dump(table, row))
            db.session.execute(delete(table).where(where))
        else:
            moved.append(_dump(table, row))
            db.session.execute(update(table).where(where).values({column.name: keep_id}))
    return moved, dropped


def merge(keep: Resident, other: Resident, *, by=None, choices: dict[str, str] | None = None) -> ResidentMerge:
    """Fold `other` into `keep` with the person's field-by-field `choices` ("keep"/"other"; the defaults of
    compare() otherwise), move every linked row, delete `other`, audit; returns the record that undoes it."""
    if keep.id == other.id:
        raise MergeError("cannot merge a resident with itself")
    choices = choices or {}
    table = Resident.__table__
    other_row = db.session.execute(select(table).where(table.c.id == other.id)).mappings().one()
    keep_before = {name: getattr(keep, name) for name in (*CHOICE_FIELDS, *COMBINED, "note_sensitive", "source_id")}
    keep_before.update(do_not_contact_at=keep.do_not_contact_at, last_contacted_at=keep.last_contacted_at)
    for side in compare(keep, other):
        if choices.get(side.field, side.default) == "other":
            if side.field == "do_not_contact":
                continue  # set below: refusing contact on either record wins
            setattr(keep, side.field, side.other)
    if other.do_not_contact and not keep.do_not_contact:
        keep.do_not_contact, keep.do_not_contact_at = True, other.do_not_contact_at or datetime.now(UTC)
    if not keep.source_id and other.source_id:
        keep.source_id = other.source_id
    if other.last_contacted_at and (keep.last_contacted_at is None or other.last_contacted_at > keep.last_contacted_at):
        keep.last_contacted_at = other.last_contacted_at
    if other.note and other.note not in (keep.note or ""):
        keep.note = f"{keep.note}\n\n{other.note}" if keep.note else other.note
        keep.note_sensitive = keep.note_sensitive or other.note_sensitive
    sources = [s for s in (keep.data_source, other.data_source) if s]
    keep.data_source = " + ".join(dict.fromkeys(sources))[:200]
    refresh_keys(keep)
    if by is not None:
        keep.updated_by_id = by.id
    db.session.flush()
    moves, counts = [], {}
    for ref_table, column in resident_references():
        moved, dropped = _move_rows(ref_table, column, keep.id, other.id)
        if moved or dropped:
            moves.append({"table": ref_table.name, "column": column.name, "moved": moved, "dropped": dropped})
            counts[ref_table.name] = counts.get(ref_table.name, 0) + len(moved) + len(dropped)
    keep_after = {name: getattr(keep, name) for name in keep_before}
    other_id = other.id
    db.session.expunge(other)
    db.session.execute(delete(table).where(table.c.id == other_id))
    record = ResidentMerge(
        keep_id=keep.id,
        other_id=other_id,
        created_at=datetime.now(UTC),
        created_by_id=by.id if by is not None else None,
        snapshot={
            "other": _dump(table, other_row),
            "keep_before": _dump_values(keep_before),
            "keep_after": _dump_values(keep_after),
            "moves": moves,
        },
    )
    db.session.add(record)
    db.session.flush()
    db.session.expire(keep)
    chosen = sorted(name for name, side in choices.items() if side == "other" and name in CHOICE_FIELDS)
    audit.record("resident.merge", keep, merged_id=other_id, moved=counts, fields=chosen, merge_id=record.id)
    purge_expired()
    return record


def _dump_values(values: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, datetime | date) else v) for k, v in values.items()}


def _load_value(name: str, value):
    if value is None:
        return None
    column = Resident.__table__.c[name]
    if isinstance(_base_type(column), DateTime):
        return datetime.fromisoformat(value)
    if isinstance(_base_type(column), Date):
        return date.fromisoformat(value)
    return value


def undoable(record: ResidentMerge, now: datetime | None = None) -> bool:
    """Not undone yet and younger than MERGE_UNDO_DAYS."""
    now = now or datetime.now(UTC)
    created = record.created_at if record.created_at.tzinfo else record.created_at.replace(tzinfo=UTC)
    return record.undone_at is None and now - created <= timedelta(days=MERGE_UNDO_DAYS)


def undo(record: ResidentMerge, *, by=None) -> Resident:
    """Put both records back as they were before the merge (kept fields changed since are left as they are
    now); audited. Raises MergeError when it is too late or already done."""
    if not undoable(record):
        raise MergeError("this merge can no longer be undone")
    table = Resident.__table__
    snapshot = record.snapshot
    other = _load(table, snapshot["other"])
    if db.session.get(Resident, other["id"]) is not None:
        raise MergeError("the merged resident exists again")
    if other.get("household_id") and db.session.get(Household, other["household_id"]) is None:
        other["household_id"] = None  # the door was erased since
    db.session.execute(insert(table).values(**other))
    keep = db.session.get(Resident, record.keep_id)
    after, before = snapshot["keep_after"], snapshot["keep_before"]
    for name, value in before.items():
        current = getattr(keep, name)
        merged = _load_value(name, after.get(name))
        if _same(current, merged):  # not changed since the merge: back to what it was
            setattr(keep, name, _load_value(name, value))
    refresh_keys(keep)
    tables = {t.name: t for t in db.metadata.sorted_tables}
    for move in snapshot["moves"]:
        ref_table = tables[move["table"]]
        column = ref_table.c[move["column"]]
        primary = list(ref_table.primary_key.columns)
        for row in move["moved"]:
            values = _load(ref_table, row)
            where = [c == (record.keep_id if c is column else values[c.name]) for c in primary]
            db.session.execute(
                update(ref_table).where(column == record.keep_id, *where).values({column.name: other["id"]})
            )
        for row in move["dropped"]:
            db.session.execute(insert(ref_table).values(**_load(ref_table, row)))
    record.undone_at = datetime.now(UTC)
    if by is not None:
        keep.updated_by_id = by.id
    db.session.flush()
    restored = db.session.get(Resident, other["id"])
    audit.record("resident.merge_undo", keep, merged_id=other["id"], merge_id=record.id)
    audit.record("resident.unmerged", restored, merge_id=record.id)
    return restored


def _same(a, b) -> bool:
    if isinstance(a, datetime) and isinstance(b, datetime):
        a = a if a.tzinfo else a.replace(tzinfo=UTC)
        b = b if b.tzinfo else b.replace(tzinfo=UTC)
    return a == b


def purge_expired(now: datetime | None = None) -> int:
    """Delete the merge records that can no longer be undone (they hold the folded-in twin's data)."""
    limit = (now or datetime.now(UTC)) - timedelta(days=MERGE_UNDO_DAYS)
    result = db.session.execute(delete(ResidentMerge).where(ResidentMerge.created_at < limit))
    return result.rowcount or 0
