"""The dashboard (home page after sign-in): panels computed here, drawn as server-side SVG with tables.

A Panel (organizer.kernel.contributions) names its title, its template partial and a data function
`data(viewer, today) -> dict | None` (None hides the panel). Features list theirs in their contributions.py
(`Contribution(panels=[...])`, this one's below as PANELS); `panels_for(viewer)` sorts them by `order`.
Canvassers only ever see the numbers of their current turfs.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from organizer.auth.models import Role
from organizer.conversations.labels import RESULT_LABELS
from organizer.conversations.models import DOOR_RESULTS, Commitment, DoorKnock
from organizer.conversations.services import follow_ups
from organizer.extensions import db
from organizer.kernel.contributions import Panel
from organizer.kernel.contributions import panels_for as panels_for  # where the home page's panels are drawn
from organizer.reports.services import visible_turf_ids
from organizer.reports.sources import (
    SOURCES,
    Window,
    conversations_union,
    in_window,
    kinds_for,
    local_midnight_utc,
    place_filter,
    restricts_places,
)
from organizer.residents.labels import STAGE_LABELS
from organizer.residents.models import LEADERSHIP_STAGES, Address, Household, Resident
from organizer.turfs.models import Turf

WEEKS = 12
COVERAGE_DAYS = 90
COMMITMENT_DAYS = 90
MAX_TURFS = 25


DASHBOARD_PANELS: list[Panel] = []


def panel(key: str, title, template: str, order: int = 100, roles: tuple[str, ...] = ()):
    """Decorator registering a data function as a panel of this feature."""

    def register(function: Callable) -> Callable:
        DASHBOARD_PANELS.append(Panel(key, title, template, function, order, roles))
        return function

    return register


# --- Charts (geometry computed here, drawn by templates/reports/_charts.html) ----------------------------


@dataclass
class Chart:
    """A bar chart: categories (x axis or rows), series (stacked), values[series][category]."""

    id: str
    title: str
    categories: list[str]
    series: list[str]
    values: list[list[int]]
    horizontal: bool = False
    value_suffix: str = ""
    bars: list[dict] = field(default_factory=list)
    width: int = 640
    height: int = 240

    def total(self, index: int) -> int:
        return sum(series[index] for series in self.values)


def vertical_chart(chart: Chart) -> Chart:
    """Stacked columns: one per category, with the total written above each column."""
    left, top, bottom, gap = 8, 18, 34, 6
    plot_height = chart.height - top - bottom
    step = (chart.width - left * 2) / max(len(chart.categories), 1)
    peak = max([chart.total(i) for i in range(len(chart.categories))] + [1])
    for i, category in enumerate(chart.categories):
        x = left + i * step + gap / 2
        y = top + plot_height
        for s, name in enumerate(chart.series):
            value = chart.values[s][i]
            h = plot_height * value / peak
            y -= h
            if value:
                chart.bars.append(
                    {
                        "x": round(x, 1),
                        "y": round(y, 1),
                        "w": round(step - gap, 1),
                        "h": round(h, 1),
                        "series": s,
                        "title": _("%(label)s: %(value)s", label=category, value=f"{name} {value}"),
                    }
                )
        chart.bars.append(
            {
                "label": category,
                "lx": round(x + (step - gap) / 2, 1),
                "ly": chart.height - bottom + 14,
                "total": chart.total(i),
                "ty": round(y - 4, 1),
            }
        )
    return chart


def horizontal_chart(chart: Chart, *, centered: bool = False, scale: int | None = None) -> Chart:
    """One bar per category (first series), the label above it and the value at its end.

    centered: bars centred on the axis (a funnel)."""
    row, label_h, bar_h = 40, 16, 18
    chart.width = 360  # drawn in a narrow panel: a smaller canvas keeps the text readable
    chart.height = row * len(chart.categories) + 4
    peak = scale or max(chart.values[0] + [1])
    for i, category in enumerate(chart.categories):
        value = chart.values[0][i]
        w = (chart.width - 80) * value / peak if peak else 0
        x = (chart.width - 80 - w) / 2 if centered else 0
        y = i * row + label_h
        chart.bars.append(
            {
                "x": round(x, 1),
                "y": y,
                "w": round(max(w, 0), 1),
                "h": bar_h,
                "series": i if centered else 0,
                "title": _("%(label)s: %(value)s", label=category, value=f"{value}{chart.value_suffix}"),
                "label": category,
                "ly": y - 4,
                "vx": round(x + w + 6, 1),
                "vy": y + 14,
                "value": f"{value}{chart.value_suffix}",
            }
        )
    return chart


# --- Panels --------------------------------------------------------------------------------------------------


def _week_starts(today: date) -> list[date]:
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=WEEKS - 1 - i) for i in range(WEEKS + 1)]


def _window(viewer, bounds) -> Window:
    return Window(bounds=tuple(bounds), visible_turf_ids=visible_turf_ids(viewer), kinds=kinds_for(viewer))


@panel("conversations", _l("Conversations per week"), "reports/panels/conversations.html", order=10)
def conversations_per_week(viewer, today: date) -> dict | None:
    """Conversations of every kind the viewer may read, per week over the last 12 weeks."""
    weeks = _week_starts(today)
    window = replace(_window(viewer, weeks), detail=False)  # counts only
    union = conversations_union(window)
    counts = {}
    if union is not None:
        statement = select(union.c.kind, union.c.bucket, func.count()).group_by(union.c.kind, union.c.bucket)
        counts = {(kind, bucket): n for kind, bucket, n in db.session.execute(statement)}
    kinds = [kind for kind in SOURCES if window.kinds is None or kind in window.kinds]
    chart = Chart(
        id="chart-conversations",
        title=str(_l("Conversations per week")),
        categories=[format_date(week, "d MMM") for week in weeks[:-1]],
        series=[str(SOURCES[kind].label) for kind in kinds],
        values=[[counts.get((kind, i), 0) for i in range(WEEKS)] for kind in kinds],
    )
    if not counts:
        return None  # a new organization: the getting-started steps, not an empty chart
    return {"chart": vertical_chart(chart), "total": sum(counts.values()), "since": weeks[0]}


@panel("outcomes", _l("Door-knock outcomes"), "reports/panels/bars.html", order=20)
def door_outcomes(viewer, today: date) -> dict | None:
    """How the doors knocked in the last 12 weeks answered (DOOR_RESULTS order)."""

    weeks = _week_starts(today)
    window = _window(viewer, (weeks[0], weeks[-1]))
    statement = select(DoorKnock.result, func.count()).where(in_window(DoorKnock.knocked_at, window))
    if restricts_places(window):  # the address is only needed to filter: 5x faster without it
        statement = statement.join(Household, Household.id == DoorKnock.household_id)
        statement = place_filter(statement.join(Address, Address.id == Household.address_id), Address, window)
    counts = dict(tuple(row) for row in db.session.execute(statement.group_by(DoorKnock.result)))
    if not counts:
        return None
    chart = Chart(
        id="chart-outcomes",
        title=str(_l("Door-knock outcomes")),
        categories=[str(RESULT_LABELS.get(code, code)) for code in DOOR_RESULTS],
        series=[str(_l("Door knocks"))],
        values=[[counts.get(code, 0) for code in DOOR_RESULTS]],
        horizontal=True,
    )
    return {
        "chart": horizontal_chart(chart),
        "total": sum(counts.values()),
        "note": _l("Since %(date)s.", date=format_date(weeks[0], "medium")),
        "header": _l("Result"),
        "value_header": _l("Door knocks"),
    }


@panel("coverage", _l("Turf coverage"), "reports/panels/bars.html", order=30)
def turf_coverage(viewer, today: date) -> dict | None:
    """Per turf: the doors (households) knocked in the last 90 days out of all its doors."""
    visible = visible_turf_ids(viewer)
    since = today - timedelta(days=COVERAGE_DAYS - 1)
    window = Window(bounds=(since, today + timedelta(days=1)))
    doors = (
        select(Turf.id, Turf.name, func.count(Household.id))
        .join(Address, Address.turf_id == Turf.id)
        .join(Household, Household.address_id == Address.id)
        .group_by(Turf.id, Turf.name)
        .order_by(Turf.name)
    )
    # From the doors' side, one index probe per door: 7x faster than joining every knock to its door.
    knocked_recently = (
        select(DoorKnock.id)
        .where(DoorKnock.household_id == Household.id, in_window(DoorKnock.knocked_at, window))
        .exists()
    )
    knocked = (
        select(Address.turf_id, func.count(Household.id))
        .join(Household, Household.address_id == Address.id)
        .where(Address.turf_id.is_not(None), knocked_recently)
        .group_by(Address.turf_id)
    )
    if visible is not None:
        doors = doors.where(Turf.id.in_(visible))
        knocked = knocked.where(Address.turf_id.in_(visible))
    turfs = list(db.session.execute(doors.limit(MAX_TURFS + 1)))
    if not turfs:
        return None
    done = dict(tuple(row) for row in db.session.execute(knocked))
    shown = turfs[:MAX_TURFS]
    chart = Chart(
        id="chart-coverage",
        title=str(_l("Turf coverage")),
        categories=[f"{name} ({done.get(turf_id, 0)}/{total})" for turf_id, name, total in shown],
        series=[str(_l("Doors knocked"))],
        values=[[round(100 * done.get(turf_id, 0) / total) if total else 0 for turf_id, _n, total in shown]],
        horizontal=True,
        value_suffix=" %",
    )
    return {
        "chart": horizontal_chart(chart, scale=100),
        "note": _l(
            "Doors knocked at least once in the last %(days)s days, out of the doors of each turf.", days=COVERAGE_DAYS
        ),
        "more": len(turfs) > MAX_TURFS,
        "header": _l("Turf (doors knocked / doors)"),
        "value_header": _l("Coverage"),
    }


@panel("ladder", _l("Leadership ladder"), "reports/panels/bars.html", order=40)
def leadership_ladder(viewer, today: date) -> dict | None:
    """How many residents stand at each stage or above (a funnel, LEADERSHIP_STAGES order)."""

    statement = select(Resident.leadership_stage, func.count()).group_by(Resident.leadership_stage)
    visible = visible_turf_ids(viewer)
    if visible is not None:
        statement = (
            statement.join(Household, Household.id == Resident.household_id)
            .join(Address, Address.id == Household.address_id)
            .where(Address.turf_id.in_(visible))
        )
    counts = dict(tuple(row) for row in db.session.execute(statement))
    if not counts:
        return None  # no residents yet: nothing to climb
    at_stage = [counts.get(stage, 0) for stage in LEADERSHIP_STAGES]
    at_least = [sum(at_stage[i:]) for i in range(len(at_stage))]
    chart = Chart(
        id="chart-ladder",
        title=str(_l("Leadership ladder")),
        categories=[str(STAGE_LABELS.get(stage, stage)) for stage in LEADERSHIP_STAGES],
        series=[str(_l("At this stage or above"))],
        values=[at_least],
        horizontal=True,
    )
    return {
        "chart": horizontal_chart(chart, centered=True),
        "note": _l("Residents at each stage or above; the table also gives each stage on its own."),
        "header": _l("Stage"),
        "value_header": _l("At this stage or above"),
        "extra_header": _l("At this stage"),
        "extra": at_stage,
    }


@panel("commitments", _l("Commitments kept on time"), "reports/panels/bars.html", order=50)
def commitments_kept(viewer, today: date) -> dict | None:
    """Commitments due in the last 90 days: kept on time, kept late, still open, dropped.

    Organizers and leaders see everyone's; others the ones they made or follow up."""
    since = today - timedelta(days=COMMITMENT_DAYS)
    statement = select(Commitment.status, Commitment.due_on, Commitment.done_at).where(
        Commitment.due_on >= since, Commitment.due_on < today
    )
    if not viewer.has_role(Role.ORGANIZER, Role.LEADER):
        statement = statement.where(or_(Commitment.owner_id == viewer.id, Commitment.from_user_id == viewer.id))
    buckets = {"on_time": 0, "late": 0, "open": 0, "dropped": 0}
    for status, due_on, done_at in db.session.execute(statement):
        if status == "done":
            if done_at is not None and done_at.tzinfo is None:  # SQLite gives naive UTC
                done_at = done_at.replace(tzinfo=UTC)
            kept = done_at is None or done_at < local_midnight_utc(due_on + timedelta(days=1))
            buckets["on_time" if kept else "late"] += 1
        elif status == "dropped":
            buckets["dropped"] += 1
        else:
            buckets["open"] += 1
    total = sum(buckets.values())
    if not total:
        return {"empty": _l("No commitment fell due in the last %(days)s days.", days=COMMITMENT_DAYS)}
    labels = {
        "on_time": _l("Kept on time"),
        "late": _l("Kept late"),
        "open": _l("Still open"),
        "dropped": _l("Dropped"),
    }
    chart = Chart(
        id="chart-commitments",
        title=str(_l("Commitments kept on time")),
        categories=[str(labels[key]) for key in buckets],
        series=[str(_l("Commitments"))],
        values=[list(buckets.values())],
        horizontal=True,
    )
    return {
        "chart": horizontal_chart(chart),
        "headline": _l("%(percent)s %% kept on time", percent=round(100 * buckets["on_time"] / total)),
        "note": _l("Commitments that fell due in the last %(days)s days.", days=COMMITMENT_DAYS),
        "header": _l("Status"),
        "value_header": _l("Commitments"),
    }


@panel("follow_ups", _l("My follow-ups"), "reports/panels/follow_ups.html", order=5)
def my_follow_ups(viewer, today: date) -> dict:
    """The viewer's open promises and one-on-ones to follow up (from the conversations feature)."""
    follow = follow_ups(viewer, today)
    return {"follow": follow, "today": today}


PANELS = DASHBOARD_PANELS
