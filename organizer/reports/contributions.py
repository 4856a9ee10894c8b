"""What reports add: the dashboard's own panels (getting started, listening, coverage, commitments, ladder)."""

from organizer.kernel.contributions import Contribution
from organizer.reports import dashboard, getting_started

CONTRIBUTION = Contribution(panels=[*getting_started.PANELS, *dashboard.PANELS])
