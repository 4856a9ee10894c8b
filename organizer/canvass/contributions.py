"""What the canvasser's phone adds elsewhere: "My turfs" first on the home page (doors left, doors done,
until when, one tap to the walk list)."""

from flask_babel import lazy_gettext as _l

from organizer.canvass import services
from organizer.kernel.contributions import Contribution, Panel


def my_turfs(viewer, today) -> dict | None:
    """The viewer's current turfs; shown to every canvasser (even with none), to others when they hold one."""
    items = services.my_turfs(viewer)
    if not items and viewer.role != "canvasser":
        return None
    return {"items": items}


CONTRIBUTION = Contribution(
    panels=[Panel("my_turfs", _l("My turfs"), "canvass/panel_my_turfs.html", my_turfs, order=0)],
)
