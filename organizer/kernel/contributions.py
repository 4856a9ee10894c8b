"""The extension points: what a feature may add to pages and tasks that other features own.

Each feature declares what it adds in one place, `organizer/<feature>/contributions.py`:

    CONTRIBUTION = Contribution(panels=[...], sections=[...], timeline=[...], calendar=[...], subject_sections=[...],
                                erasers=[...], record_scopes={Model: rule, ...})

create_app() collects every feature's CONTRIBUTION (organizer.features, FEATURES order) into one Registry kept on
the app; the owners of the extension points read `registry()`. Nothing registers by being imported, and no
feature appends to another feature's lists.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app

from organizer.kernel.time import local_today

REGISTRY_KEY = "organizer.registry"


# --- dashboard panels (drawn by reports on the home page) ---------------------------------------------------
@dataclass(frozen=True)
class Panel:
    """One dashboard panel: a title, a template partial and `data(viewer, today) -> dict | None` (None hides it)."""

    key: str
    title: object
    template: str
    data: Callable[[object, date], dict | None]
    order: int = 100
    roles: tuple[str, ...] = ()  # () = every signed-in user


# --- sections of a record's page (drawn by the page's owner) ---------------------------------------------------
@dataclass(frozen=True)
class Section:
    """A part of a page that another feature owns (the action page shows turnout's figures and call list).

    `page` names the page ("campaigns.action", "meetings.show"); `data(record, viewer) -> dict | None` gives the
    template's `section` variable (None leaves the section out); the template also sees the page's context."""

    page: str
    key: str
    template: str
    data: Callable[[object, object], dict | None]
    order: int = 100


# --- the resident page's timeline (drawn by residents) ------------------------------------------------------
@dataclass(order=True)
class TimelineEntry:
    """One dated line of a resident's history; `kind` picks its icon and template."""

    at: datetime
    kind: str = field(compare=False)
    title: str = field(compare=False)
    detail: str | None = field(default=None, compare=False)
    url: str | None = field(default=None, compare=False)
    sensitive: bool = field(default=False, compare=False)


# (resident_ids, viewer) -> [(resident_id, entry)]: batched by ids, one query per source for a whole page.
TimelineSource = Callable[[list[int], object], list[tuple[int, TimelineEntry]]]


# --- calendar feeds (served by campaigns) -------------------------------------------------------------------
@dataclass
class CalendarEntry:
    """One event of a feed, in UTC."""

    uid: str
    summary: str
    starts_at: datetime
    ends_at: datetime | None = None
    location: str | None = None
    description: str | None = None
    url: str | None = None
    updated_at: datetime | None = None
    # Incremented on each change, so calendar apps replace their copy.
    sequence: int = 0


# (user, since) -> what `user` may see from `since` on.
CalendarSource = Callable[[object, datetime], Iterable[CalendarEntry]]


# --- privacy (subject access and erasure, run by privacy) ---------------------------------------------------
# (resident) -> (section key, rows): what the feature holds about the person, for the subject-access export.
SubjectSection = Callable[[object], tuple[str, list[dict]]]
# (resident_ids) -> {what: count}: clears or deletes personal content, keeping anonymous rows reports count.
Eraser = Callable[[list[int]], dict[str, int]]
# () -> {where: count}: copies kept outside the tables that may name anyone (job results, files written by
# jobs); the subject-access copy lists them in its `found_in` as places that may hold the person, and the
# feature's eraser deletes them.
StoredCopies = Callable[[], dict[str, int]]
# {column key: {code: label}}: how the readable subject-access copy says a feature's codes in words
# ("result": {"talked": "Talked"...}); merged across features, a later feature adding codes to a key.
SubjectLabels = Mapping[str, Mapping[str, object]]


# --- which doors a canvasser may see (the one access rule, read by residents and conversations) -----------
# (user, today=None) -> a SELECT of the household ids behind the doors `user` may see; one feature provides it
# (turfs: the doors of the turfs assigned to them, while the assignment lasts).
DoorScope = Callable[..., object]


# --- the record-level rule (read by organizer.auth.records, the one loader of records named by a request) ---
# (user) -> a SQL condition restricting the model to the records `user` may see, or None for every record.
# Each feature declares the rule of its records, `record_scopes={Model: rule}`; a model without one is
# refused (fail closed), and one model declared twice stops create_app.
RecordScope = Callable[[object], object]


# --- background job kinds (run by jobs' queue and workers) ----------------------------------------------
@dataclass(frozen=True)
class JobKind:
    """A kind of background job: what does it, and how the jobs pages present it.

    `handler(job, progress)` returns (summary dict, result bytes | None, result name, mimetype); a handler that
    writes records its outcome with `progress.finish(...)` in its own transaction (all of it, or nothing).
    `label` names it; `ready_message` says its result is ready; `summary_labels` name the summary's keys;
    `outcome(job)`, when given, renders the end of its page (done or failed) as HTML instead of the summary.
    `roles` may see jobs of this kind besides the person who started them (() = only that person: an import's
    report quotes the uploaded file). `folders` are the job-file folders (organizer.jobs.files) purged with
    the jobs. `warm_up()` runs once in each worker before it forks job processes (e.g. load the PDF engine).
    `priority`: queued jobs of a higher priority are taken first; within one priority each person's jobs
    take turns."""

    kind: str
    handler: Callable
    label: object
    ready_message: object | None = None
    summary_labels: Mapping[str, object] = field(default_factory=dict)
    outcome: Callable | None = None
    roles: tuple[str, ...] = ("admin",)
    folders: tuple[str, ...] = ()
    warm_up: Callable[[], object] | None = None
    priority: int = 0


@dataclass(frozen=True)
class Contribution:
    """What one feature adds to the extension points above (every field optional)."""

    panels: Sequence[Panel] = ()
    sections: Sequence[Section] = ()
    timeline: Sequence[TimelineSource] = ()
    calendar: Sequence[CalendarSource] = ()
    subject_sections: Sequence[SubjectSection] = ()
    erasers: Sequence[Eraser] = ()
    stored_copies: Sequence[StoredCopies] = ()
    subject_labels: SubjectLabels = field(default_factory=dict)
    job_kinds: Sequence[JobKind] = ()
    door_scope: DoorScope | None = None
    record_scopes: Mapping[type, RecordScope] = field(default_factory=dict)
    # Run once by create_app with the app (e.g. a database event listener a feature needs everywhere).
    startup: Sequence[Callable[[object], None]] = ()


class Registry:
    """Every feature's Contribution, merged in FEATURES order: what the extension points' owners read."""

    def __init__(self, contributions: Iterable[Contribution] = ()) -> None:
        contributions = list(contributions)
        self.panels: tuple[Panel, ...] = tuple(p for c in contributions for p in c.panels)
        self.sections: tuple[Section, ...] = tuple(s for c in contributions for s in c.sections)
        self.timeline: tuple[TimelineSource, ...] = tuple(s for c in contributions for s in c.timeline)
        self.calendar: tuple[CalendarSource, ...] = tuple(s for c in contributions for s in c.calendar)
        self.subject_sections: tuple[SubjectSection, ...] = tuple(s for c in contributions for s in c.subject_sections)
        self.erasers: tuple[Eraser, ...] = tuple(e for c in contributions for e in c.erasers)
        self.stored_copies: tuple[StoredCopies, ...] = tuple(s for c in contributions for s in c.stored_copies)
        self.subject_labels: dict[str, dict[str, object]] = {}
        for contribution in contributions:
            for key, labels in contribution.subject_labels.items():
                self.subject_labels.setdefault(key, {}).update(labels)
        self.startup: tuple[Callable[[object], None], ...] = tuple(s for c in contributions for s in c.startup)
        scopes = [c.door_scope for c in contributions if c.door_scope is not None]
        if len(scopes) > 1:
            raise ValueError("more than one feature says which doors a canvasser may see")
        self.door_scope: DoorScope | None = scopes[0] if scopes else None
        self.job_kinds: dict[str, JobKind] = {}
        for contribution in contributions:
            for kind in contribution.job_kinds:
                if kind.kind in self.job_kinds:
                    raise ValueError(f"job kind {kind.kind!r} declared twice")
                self.job_kinds[kind.kind] = kind
        self.record_scopes: dict[type, RecordScope] = {}
        for contribution in contributions:
            for model, rule in contribution.record_scopes.items():
                if model in self.record_scopes:
                    raise ValueError(f"record scope of {model.__name__} declared twice")
                self.record_scopes[model] = rule


def registry() -> Registry:
    """The running app's registry (built by create_app from every feature's contributions)."""
    return current_app.extensions[REGISTRY_KEY]


def panels_for(viewer, today: date | None = None) -> list[tuple[Panel, dict]]:
    """Every feature's panels the viewer may see, with their data, in order; empty panels left out."""
    today = today or local_today()
    panels = registry().panels
    result = []
    for item in sorted(panels, key=lambda p: (p.order, p.key)):
        if item.roles and not viewer.has_role(*item.roles):
            continue
        data = item.data(viewer, today)
        if data is not None:
            result.append((item, data))
    return result


def sections_for(page: str, record, viewer) -> list[tuple[Section, dict]]:
    """Every feature's sections of `page` for this record and viewer, with their data, in order."""
    result = []
    for item in sorted(registry().sections, key=lambda s: (s.order, s.key)):
        if item.page != page:
            continue
        data = item.data(record, viewer)
        if data is not None:
            result.append((item, data))
    return result
