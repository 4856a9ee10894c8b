"""What the core feature adds elsewhere: the getting-started panel of the dashboard."""

from organizer.core.dashboard import PANELS
from organizer.kernel.contributions import Contribution

CONTRIBUTION = Contribution(panels=PANELS)
