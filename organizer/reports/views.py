"""Report pages: the listening report, its drill-down and its printed versions."""

from datetime import date, timedelta

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from organizer.audit import services as audit
from organizer.auth.models import Role
from organizer.auth.permissions import require_role
from organizer.conversations.models import Issue
from organizer.core.services import current_organization
from organizer.extensions import db
from organizer.kernel.time import local_today
from organizer.printing.pdf import pdf_response, render_pdf
from organizer.reports import services
from organizer.reports.services import NO_PLACE, ReportQuery, default_query, is_small, public_trend
from organizer.reports.sources import SOURCES
from organizer.residents.models import Address
from organizer.turfs.models import Turf

bp = Blueprint("reports", __name__)
URL_PREFIX = "/reports"
NAVIGATION = [("reports.listening", _l("What we heard"), (), 40)]
PRINTERS = (Role.ORGANIZER, Role.LEADER)
MAX_DAYS = 3 * 366


@bp.app_template_filter("public_count")
def public_count(n: int) -> str:
    """A count as printed for decision makers: under 5 becomes "fewer than 5"."""
    return _("fewer than 5") if is_small(n) else str(n)


@bp.app_template_filter("public_trend")
def public_trend_label(line) -> str:
    """The trend of an issue line as printed for decision makers (never reveals a small count)."""
    trend = public_trend(line.current, line.previous)
    return {"up": _("up"), "down": _("down"), "": "—", "=": _("no change")}.get(trend, trend)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def parse_query(args) -> tuple[ReportQuery, list[str]]:
    """The report query from the URL; unreadable values fall back to the defaults with a message."""
    errors = []
    default = default_query()
    start, end = _date(args.get("from")), _date(args.get("to"))
    if args.get("from") and start is None:
        errors.append(_("The start date is not a date (YYYY-MM-DD)."))
    if args.get("to") and end is None:
        errors.append(_("The end date is not a date (YYYY-MM-DD)."))
    start, end = start or default.start, end or default.end
    if start > end:
        errors.append(_("The period must start before it ends."))
        start, end = default.start, default.end
    if (end - start).days > MAX_DAYS:
        errors.append(_("A report covers at most three years."))
        start = end - timedelta(days=MAX_DAYS)
    turf_ids = tuple(sorted({int(v) for v in args.getlist("turf") if v.isdigit()})) or None
    areas = tuple(sorted({v for v in args.getlist("area") if v})) or None
    by = args.get("by") if args.get("by") in services.PLACE_KINDS else "turf"
    return ReportQuery(start=start, end=end, turf_ids=turf_ids, areas=areas, by=by), errors


def query_args(query: ReportQuery) -> dict:
    """URL parameters that reproduce `query`."""
    args = {"from": query.start.isoformat(), "to": query.end.isoformat(), "by": query.by}
    if query.turf_ids:
        args["turf"] = list(query.turf_ids)
    if query.areas:
        args["area"] = list(query.areas)
    return args


def filter_choices() -> tuple[list[tuple[int, str]], list[str]]:
    """Turfs and areas the viewer may filter on (canvassers: their current turfs)."""
    visible = services.visible_turf_ids(current_user)
    turfs = select(Turf.id, Turf.name).order_by(Turf.name)
    areas = select(Address.area).distinct().where(Address.area.is_not(None)).order_by(Address.area)
    if visible is not None:
        turfs = turfs.where(Turf.id.in_(visible))
        areas = areas.where(Address.turf_id.in_(visible))
    return [(t, n) for t, n in db.session.execute(turfs)], list(db.session.scalars(areas))


def describe_scope(query: ReportQuery) -> str:
    """ "All turfs" or the names of the chosen turfs and areas."""
    parts = []
    if query.turf_ids:
        names = db.session.scalars(select(Turf.name).where(Turf.id.in_(query.turf_ids)).order_by(Turf.name))
        parts.append(_("Turfs: %(names)s", names=", ".join(names)))
    if query.areas:
        parts.append(_("Areas: %(names)s", names=", ".join(query.areas)))
    return " · ".join(parts) or _("All turfs and areas")


def _period_label(start: date, end: date) -> str:
    return _("%(start)s to %(end)s", start=format_date(start, "medium"), end=format_date(end, "medium"))


@bp.route("/listening")
@require_role()
def listening():
    """Issues ranked by the residents who raised them, with trend, strongest places and quotes."""
    query, errors = parse_query(request.args)
    report = services.listening_report(query, current_user)
    turfs, areas = filter_choices()
    return render_template(
        "reports/listening.html",
        report=report,
        query=query,
        args=query_args(query),
        errors=errors,
        turfs=turfs,
        areas=areas,
        scope=describe_scope(query),
        period=_period_label(query.start, query.end),
        previous_period=_period_label(query.previous_start, query.previous_end),
        restricted=services.visible_turf_ids(current_user) is not None,
        kinds=[SOURCES[k].label for k in services.kinds_for(current_user)],
        may_print=current_user.has_role(*PRINTERS),
    )


@bp.route("/listening/conversations")
@require_role()
def conversations():
    """The conversations behind one number of the report, as far as the viewer may see them."""
    query, _errors = parse_query(request.args)
    issue_id = request.args.get("issue", type=int)
    bucket = 0 if request.args.get("period") == "previous" else 1
    place = request.args.get("place")
    issue_name = None
    if issue_id is not None:
        issue = db.session.get(Issue, issue_id)
        if issue is None:
            abort(404)
        issue_name = issue.name
    audit.record_now("report.drill_down", None, issue_id=issue_id, period=f"{query.start}/{query.end}")
    drill = services.drill_down(query, current_user, issue_id=issue_id, bucket=bucket, place=place)
    place_label = None
    if place is not None:
        labels = services.place_labels(query.by, {place})
        place_label = labels.get(place) or (_("No turf") if query.by == "turf" else _("No area"))
    start, end = (query.start, query.end) if bucket == 1 else (query.previous_start, query.previous_end)
    return render_template(
        "reports/conversations.html",
        drill=drill,
        issue_name=issue_name,
        place_label=place_label,
        period=_period_label(start, end),
        back=url_for("reports.listening", **query_args(query)),
        kind_labels={kind: source.label for kind, source in SOURCES.items()},
        talker=current_user.has_role(Role.ORGANIZER, Role.LEADER),
        limit=services.DRILL_DOWN_LIMIT,
    )


def print_context(query: ReportQuery, report, public: bool) -> dict:
    """What the printed report template needs (shared by the page and the command line)."""
    organization = current_organization()
    return {
        "report": report,
        "public": public,
        "organization": organization.name if organization else None,
        "scope": describe_scope(query),
        "period": _period_label(query.start, query.end),
        "previous_period": _period_label(query.previous_start, query.previous_end),
        "printed_on": format_date(local_today(), "long"),
        "no_place": NO_PLACE,
    }


def print_report(query: ReportQuery, *, public: bool, viewer=None) -> bytes:
    """The listening report as PDF; public: counts under 5 hidden, consenting quotes only, no names."""
    report = services.listening_report(query, None if public else viewer, public=public, include_sensitive=False)
    return render_pdf("reports/listening_print.html", **print_context(query, report, public))


@bp.route("/listening.pdf")
@require_role(*PRINTERS)
def listening_pdf():
    """Download the report as PDF (?public=1: the version for decision makers)."""
    query, _errors = parse_query(request.args)
    public = request.args.get("public") == "1"
    audit.record_now("report.print", None, public=public, period=f"{query.start}/{query.end}")
    pdf = print_report(query, public=public, viewer=current_user)
    kind = "public" if public else "internal"
    return pdf_response(pdf, f"listening-report-{kind}-{query.start}-{query.end}.pdf")
