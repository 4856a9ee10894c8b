"""The first-run panel: what an empty organization does first, in order, until it is done."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from organizer.audit.models import AuditEvent
from organizer.auth.models import User
from organizer.extensions import db
from organizer.kernel.contributions import Panel
from organizer.residents.models import Address
from organizer.turfs.models import Turf, TurfAssignment


def _count(query) -> int:
    return db.session.scalar(query) or 0


def getting_started(viewer, today: date) -> dict | None:
    """Steps from "installed" to "walk sheet in hand"; None once every step is done."""
    steps = [
        {
            "done": _count(select(func.count(Address.id))) > 0,
            "title": _l("Import your addresses"),
            "help": _l(
                "A BAN or BAL file of your commune, or any spreadsheet of addresses: the doors you will knock at."
            ),
            "endpoint": "residents.import_upload",
        },
        {
            "done": _count(select(func.count(Turf.id))) > 0,
            "title": _l("Cut a turf"),
            "help": _l(
                "A few streets one canvasser can walk in an afternoon: pick streets, a side, a range of numbers."
            ),
            "endpoint": "turfs.new",
        },
        {
            "done": _count(select(func.count(User.id))) > 1,
            "title": _l("Invite your team"),
            "help": _l("Organizers, leaders and canvassers: each gets a link to choose a password."),
            "endpoint": "users.index",
        },
        {
            "done": _count(select(func.count(TurfAssignment.id))) > 0,
            "title": _l("Give a turf to a canvasser"),
            "help": _l("On the turf's page: who walks it, and until when. They will see only that turf."),
            "endpoint": "turfs.index",
        },
        {
            "done": _count(select(func.count(AuditEvent.id)).where(AuditEvent.action == "walk_sheet.print")) > 0,
            "title": _l("Print the walk sheet"),
            "help": _l("One block per door, in walking order, with a QR code to enter results on a phone."),
            "endpoint": "turfs.index",
        },
    ]
    if all(step["done"] for step in steps):
        return None
    return {"steps": steps, "next": next(i for i, step in enumerate(steps) if not step["done"])}


PANELS = [
    Panel(
        "getting_started", _l("Getting started"), "core/panels/getting_started.html", getting_started, 1, ("organizer",)
    ),
]
