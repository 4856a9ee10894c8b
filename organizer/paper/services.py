"""Reading filled walk sheets back: files in, doors read, checked against today's data, knocks saved
through the entry grid's service (organizer.turfs.services.save_sheet), one per door row per print."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from organizer.extensions import db
from organizer.paper import reader
from organizer.paper.models import PaperKnock, SheetPrint
from organizer.residents.models import Address, Household
from organizer.turfs import services as turfs
from organizer.turfs.models import Turf

PROBLEMS = {
    "not_a_walk_sheet": _l("%(image)s: no walk sheet code found on this image."),
    "other_organization": _l("%(image)s: this sheet was not printed here (another organization's, or unknown)."),
    "too_dark": _l("%(image)s: the picture is too dark; take it again in better light."),
    "too_blurred": _l("%(image)s: the picture is too blurred; hold the phone still and take it again."),
    "unreadable_file": _l("%(image)s: not a JPEG, PNG or PDF file that can be opened."),
    "page_missing": _l("Page %(page)s of the sheet of %(turf)s is missing: %(doors)s doors not read."),
}
REFUSALS = {
    "unknown_door": _l("This door no longer exists."),
    "turf_changed": _l("This door has left the turf since the sheet was printed."),
    "objected": _l("This person asked not to be contacted since the sheet was printed."),
    "moved_out": _l("This person no longer lives at this door."),
    "already_saved": _l("Already saved from this sheet."),
}
DOUBTS = {
    "unclear_mark": _l("A mark is unclear."),
    "several_results": _l("Several results ticked."),
    "several_supports": _l("Several support levels ticked."),
    "no_result": _l("Support or follow-up ticked without a result."),
    "not_aligned": _l("The boxes could not be lined up."),
    "code_unread": _l("This door's code could not be read: check it is this door."),
}


@dataclass
class Outcome:
    """What a set of files gave: doors read (best read of each door row) and problems (code, details)."""

    doors: list[reader.DoorRead] = field(default_factory=list)
    problems: list[tuple[str, dict]] = field(default_factory=list)

    def messages(self) -> list[str]:
        """The problems as sentences, in the current language."""
        return [str(PROBLEMS[code] % details) for code, details in self.problems]


def print_layout(token: str) -> dict | None:
    """The layout of the print with this token, or None (unknown here, or a roomy print)."""
    found = db.session.scalar(select(SheetPrint).where(SheetPrint.token == token))
    return found.layout if found is not None and "doors" in found.layout else None


def read_files(files: list[tuple[str, bytes]], crops: bool = False, progress: Callable | None = None) -> Outcome:
    """Read photos (JPEG/PNG) and PDF scans; `progress(done, total)` after each image."""
    outcome = Outcome()
    images = []
    for name, data in files:
        try:
            images += reader.load_images(name, data)
        except reader.SheetProblem as problem:
            outcome.problems.append((problem.code, {"image": name}))
    layouts: dict[str, dict | None] = {}

    def lookup(token):
        if token not in layouts:
            layouts[token] = print_layout(token)
        return layouts[token]

    best: dict[tuple[int, str], reader.DoorRead] = {}
    pages_seen: dict[str, set[int]] = {}
    for done, (name, gray) in enumerate(images, start=1):
        try:
            for door in reader.read_image(gray, name, lookup, crops=crops):
                key = (door.household_id, door.token)
                pages_seen.setdefault(door.token, set()).add(door.page)
                # The same door on two photos: the surer read wins.
                if key not in best or (best[key].doubtful, -best[key].confidence) > (door.doubtful, -door.confidence):
                    best[key] = door
        except reader.SheetProblem as problem:
            outcome.problems.append((problem.code, {"image": name}))
        if progress:
            progress(done, len(images))
    outcome.doors = sorted(best.values(), key=lambda d: (d.token, d.page, d.household_id))
    outcome.problems += _missing_pages(pages_seen, layouts)
    return outcome


def _missing_pages(pages_seen: dict[str, set[int]], layouts: dict) -> list[tuple[str, dict]]:
    """A "page_missing" problem for each page of a print read here of which no image showed anything."""
    problems = []
    for token, seen in pages_seen.items():
        counts: dict[int, int] = {}
        for page, *_rest in layouts[token]["doors"].values():
            counts[page] = counts.get(page, 0) + 1
        record = db.session.scalar(select(SheetPrint).where(SheetPrint.token == token))
        turf = db.session.get(Turf, record.turf_id) if record and record.turf_id else None
        for page in sorted(set(counts) - seen):
            problems.append(("page_missing", {"page": page, "turf": turf.name if turf else "?", "doors": counts[page]}))
    return problems


def check_rows(door: reader.DoorRead) -> list[str | None]:
    """Per row of a read door: None when it may be saved, else why not (a REFUSALS key)."""
    record = db.session.scalar(select(SheetPrint).where(SheetPrint.token == door.token))
    household = db.session.scalar(
        select(Household)
        .where(Household.id == door.household_id)
        .options(selectinload(Household.residents), selectinload(Household.address))
    )
    if household is None or record is None:
        return ["unknown_door"] * len(door.rows)
    address: Address = household.address
    if record.turf_id is None or address.turf_id != record.turf_id:
        return ["turf_changed"] * len(door.rows)
    saved = set(
        db.session.scalars(
            select(PaperKnock.row).where(PaperKnock.print_id == record.id, PaperKnock.household_id == household.id)
        )
    )
    residents = {r.id: r for r in household.residents}
    everyone_objected = bool(household.residents) and all(r.do_not_contact for r in household.residents)
    reasons = []
    for index, row in enumerate(door.rows):
        if index in saved:
            reasons.append("already_saved")
        elif everyone_objected:
            reasons.append("objected")
        elif row.resident_id is not None and row.resident_id not in residents:
            reasons.append("moved_out")
        elif row.resident_id is not None and residents[row.resident_id].do_not_contact:
            reasons.append("objected")
        else:
            reasons.append(None)
    return reasons


@dataclass
class Decision:
    """A row to save as confirmed (by the organizer, or read with confidence)."""

    token: str
    household_id: int
    row: int
    resident_id: int | None
    result: str
    support: int | None = None
    follow_up: bool = False
    note: str = ""


def save(decisions: list[Decision], canvasser_id: int | None, knocked_on: date) -> tuple[int, list]:
    """Save the rows through the entry grid's service, turf by turf, each (print, door, row) once.

    Rows refused (see check_rows) are returned with their reason and not saved. Returns (saved, refused)."""
    refused: list = []
    by_print: dict = {}
    for decision in decisions:
        by_print.setdefault(decision.token, []).append(decision)
    saved = 0
    for token, rows in by_print.items():
        record = db.session.scalar(select(SheetPrint).where(SheetPrint.token == token))
        turf = db.session.get(Turf, record.turf_id) if record and record.turf_id else None
        grid_rows, accepted = [], []
        for decision in rows:
            read = reader.DoorRead(decision.household_id, token, 0, "", [_row_of(decision)] * (decision.row + 1))
            reason = "unknown_door" if turf is None else check_rows(read)[decision.row]
            if reason:
                refused.append((decision, reason))
                continue
            grid_rows.append(
                turfs.GridRow(
                    decision.household_id,
                    result=turfs.RESULT_SHORT_CODES[decision.result],
                    support=str(decision.support or ""),
                    note=decision.note,
                    follow_up=decision.follow_up,
                    resident_id=decision.resident_id,
                    entered_via="photo",
                )
            )
            accepted.append(decision)
        if not grid_rows:
            continue
        written = turfs.save_sheet(turf, grid_rows, canvasser_id, knocked_on)
        if written is None:
            for decision, row in zip(accepted, grid_rows, strict=True):
                if row.errors:
                    refused.append((decision, " ".join(row.errors)))
            continue
        for decision in accepted:
            db.session.add(PaperKnock(print_id=record.id, household_id=decision.household_id, row=decision.row))
        db.session.flush()
        saved += written
    return saved, refused


def _row_of(decision: Decision) -> reader.RowRead:
    return reader.RowRead(decision.resident_id, decision.result, decision.support, decision.follow_up, False, 1.0)


def confident_decisions(doors: list[reader.DoorRead]) -> tuple[list[Decision], list[reader.DoorRead]]:
    """The rows read with confidence and a result (to save), and the doors with a doubtful row (to review)."""
    decisions, doubtful = [], []
    for door in doors:
        if door.doubtful:
            doubtful.append(door)
            continue
        for index, row in enumerate(door.rows):
            if row.result is not None:
                decisions.append(
                    Decision(
                        door.token, door.household_id, index, row.resident_id, row.result, row.support, row.follow_up
                    )
                )
    return decisions, doubtful
