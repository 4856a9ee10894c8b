"""Dashboard panel: the viewer's readings of filled sheets waiting for their review (hidden when there are none)."""

from datetime import date

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select

from organizer.extensions import db
from organizer.kernel.contributions import Panel
from organizer.paper.models import PaperRead
from organizer.turfs.models import Turf


def reads_to_review(viewer, today: date) -> dict | None:
    """The viewer's own readings read and not yet saved or dropped (the pictures are kept until then)."""
    rows = db.session.execute(
        select(PaperRead, Turf.name)
        .outerjoin(Turf, Turf.id == PaperRead.turf_id)
        .where(PaperRead.created_by_id == viewer.id, PaperRead.status == "review")
        .order_by(PaperRead.created_at)
        .limit(5)
    ).all()
    if not rows:
        return None
    items = []
    for read, turf_name in rows:
        count = len((read.findings or {}).get("doors", []))
        items.append(
            {
                "title": ngettext(
                    "%(turf)s: %(num)d door read", "%(turf)s: %(num)d doors read", count, turf=turf_name or "?"
                ),
                "starts_at": read.created_at,
                "place": None,
                "url": url_for("paper.review", read_id=read.id),
            }
        )
    return {"items": items, "empty": "", "more_url": None, "more_label": ""}


PANELS = [Panel("paper_reviews", _l("Walk sheets to review"), "core/panels/upcoming.html", reads_to_review, 60)]
