"""What residents add elsewhere: their own history (added, edited, merged) on the resident page's timeline."""

from organizer.kernel.contributions import Contribution
from organizer.residents.history import record_history

CONTRIBUTION = Contribution(timeline=[record_history])
