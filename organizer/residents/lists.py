"""Lists: saved searches, and bulk actions on a selection (the ticked residents, or every result of a
search across all its pages) done set-wise, a few statements whatever the count, each audited.

A selection is always re-read from the filters (or the ids) when the action is confirmed, through the
viewer's access rule: nobody acts on residents they may not see, and the count confirmed is the count done.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, insert, literal, or_, select, update

from organizer.audit import services as audit
from organizer.extensions import db
from organizer.params import BadParameter, parse_int
from organizer.residents.models import Address, Household, Resident, SavedSearch, resident_tags
from organizer.residents.services import Filters, filtered_residents, get_or_create_tag, visible_residents

ACTIONS = {
    "tag": _l("Add a tag"),
    "untag": _l("Remove a tag"),
    "turf": _l("Add their doors to a turf"),
    "dnc": _l("Set do-not-contact"),
    "export": _l("Export"),
}
FILTER_KEYS = ("q", "turf", "tag", "issue", "support", "stage", "contacted", "dnc")


@dataclass
class Selection:
    """Who a bulk action applies to: every result of `filters`, or only `ids` among them."""

    filters: Filters
    ids: list[int] | None = None

    def query(self, user):
        """The selected residents' ids as a subquery-ready select, within what `user` may see."""
        if self.ids is not None:
            statement = visible_residents(user).where(Resident.id.in_(self.ids or [-1]))
        else:
            statement = filtered_residents(user, self.filters)
        return statement.with_only_columns(Resident.id)

    def count(self, user) -> int:
        """How many residents the selection holds now."""
        return db.session.scalar(select(func.count()).select_from(self.query(user).subquery())) or 0


# --- saved searches ---------------------------------------------------------------------------------------


def clean_filters(args: dict) -> dict:
    """Only the list's own filter arguments, non-empty, as strings."""
    return {key: str(args[key]) for key in FILTER_KEYS if args.get(key) not in (None, "")}


def save_search(user, name: str, filters: dict, *, shared: bool = False) -> SavedSearch:
    """Keep the list's filters under a name; audited."""
    search = SavedSearch(
        name=name.strip()[:120],
        owner_id=user.id,
        shared=bool(shared),
        filters=clean_filters(filters),
        created_at=datetime.now(UTC),
    )
    db.session.add(search)
    db.session.flush()
    audit.record("residents.search_save", search, shared=search.shared)
    return search


def searches_for(user) -> list[SavedSearch]:
    """The searches `user` may use: their own and the shared ones, by name."""
    statement = select(SavedSearch).where(or_(SavedSearch.owner_id == user.id, SavedSearch.shared.is_(True)))
    return list(db.session.scalars(statement.order_by(func.lower(SavedSearch.name), SavedSearch.id)))


def delete_search(user, search: SavedSearch) -> bool:
    """Delete a search: its owner, or an admin for a shared one. Returns whether it was deleted."""
    if search.owner_id != user.id and not (search.shared and user.has_role("admin")):
        return False
    audit.record("residents.search_delete", search)
    db.session.delete(search)
    db.session.flush()
    return True


# --- bulk actions -----------------------------------------------------------------------------------------


def bulk_tag(user, selection: Selection, tag_name: str, *, remove: bool = False) -> int:
    """Add (or remove) a tag on the whole selection in one statement; returns how many residents changed."""
    tag = get_or_create_tag(tag_name)
    if tag is None:
        return 0
    chosen = selection.query(user).subquery()
    has_tag = exists().where(resident_tags.c.resident_id == chosen.c.id, resident_tags.c.tag_id == tag.id)
    if remove:
        result = db.session.execute(
            resident_tags.delete().where(
                resident_tags.c.tag_id == tag.id, resident_tags.c.resident_id.in_(select(chosen.c.id))
            )
        )
        count = result.rowcount or 0
    else:
        source = select(chosen.c.id, literal(tag.id)).where(~has_tag)
        # Counted first: PostgreSQL does not report the rows an INSERT ... SELECT wrote through SQLAlchemy.
        count = db.session.scalar(select(func.count()).select_from(source.subquery())) or 0
        db.session.execute(insert(resident_tags).from_select(["resident_id", "tag_id"], source))
    audit.record("residents.bulk_tag", None, tag=tag.name, count=count, removed=remove)
    return count


def bulk_do_not_contact(user, selection: Selection) -> int:
    """Set do-not-contact on every selected resident not already flagged (version bumped: open forms conflict)."""
    chosen = selection.query(user)
    result = db.session.execute(
        update(Resident)
        .where(Resident.id.in_(chosen), Resident.do_not_contact.is_(False))
        .values(do_not_contact=True, do_not_contact_at=datetime.now(UTC), version=Resident.version + 1)
        .execution_options(synchronize_session=False)
    )
    count = result.rowcount or 0
    audit.record("residents.bulk_do_not_contact", None, count=count)
    return count


def turf_preview(user, selection: Selection, turf_id: int) -> tuple[int, int]:
    """(doors the selection lives behind, of which already in another turf) before adding them to a turf."""
    doors = (
        select(Household.address_id)
        .where(Household.id.in_(selection.query(user).with_only_columns(Resident.household_id)))
        .distinct()
        .subquery()
    )
    total = db.session.scalar(select(func.count()).select_from(doors)) or 0
    elsewhere = (
        db.session.scalar(
            select(func.count())
            .select_from(Address)
            .where(Address.id.in_(select(doors.c.address_id)), Address.turf_id.is_not(None), Address.turf_id != turf_id)
        )
        or 0
    )
    return total, elsewhere


def bulk_add_to_turf(user, selection: Selection, turf) -> int:
    """Put the doors of the selected residents in `turf` (an address belongs to one turf: others lose it)."""
    households = selection.query(user).with_only_columns(Resident.household_id)
    addresses = select(Household.address_id).where(Household.id.in_(households))
    result = db.session.execute(
        update(Address)
        .where(Address.id.in_(addresses), or_(Address.turf_id.is_(None), Address.turf_id != turf.id))
        .values(turf_id=turf.id)
        .execution_options(synchronize_session=False)
    )
    count = result.rowcount or 0
    audit.record("residents.bulk_turf", turf, count=count)
    return count


def selection_of(user, search: SavedSearch) -> Selection:
    """Every resident a saved search finds today, as a selection."""
    values = search.filters or {}

    def number(key):
        # Kept from an older request: a value that is no longer a bounded id filters nothing.
        try:
            return parse_int(values.get(key), key)
        except BadParameter:
            return None

    filters = Filters(
        q=values.get("q", ""),
        turf_id=number("turf"),
        tag_id=number("tag"),
        issue_id=number("issue"),
        support_level=number("support"),
        stage=values.get("stage"),
        contacted=values.get("contacted"),
        dnc=values.get("dnc"),
    )
    return Selection(filters)


def _invitable(user, selection: Selection, table, resident_column: str, fixed: dict):
    already = select(table.c[resident_column]).where(*[table.c[key] == value for key, value in fixed.items()])
    chosen = selection.query(user).where(Resident.do_not_contact.is_(False), Resident.id.not_in(already))
    return chosen.subquery()


def invitable_count(user, selection: Selection, table, resident_column: str, fixed: dict) -> int:
    """How many of the selection an invitation would add: never do-not-contact, never twice."""
    chosen = _invitable(user, selection, table, resident_column, fixed)
    return db.session.scalar(select(func.count()).select_from(chosen)) or 0


def invite(user, selection: Selection, table, resident_column: str, fixed: dict) -> int:
    """Add the selection to an invitation list (`table` rows with `fixed` values, e.g. the action's id), in one
    INSERT ... SELECT; the features above (actions, meetings) call it with their own table and audit."""
    chosen = _invitable(user, selection, table, resident_column, fixed)
    columns = [*fixed, resident_column]
    count = db.session.scalar(select(func.count()).select_from(chosen)) or 0  # see bulk_tag: counted first
    source = select(*[literal(value) for value in fixed.values()], chosen.c.id)
    db.session.execute(insert(table).from_select(columns, source))
    return count
