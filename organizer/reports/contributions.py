"""What reports add: the dashboard's own panels (listening, coverage, commitments, ladder)."""

from organizer.kernel.contributions import Contribution
from organizer.reports.dashboard import PANELS

CONTRIBUTION = Contribution(panels=PANELS)
