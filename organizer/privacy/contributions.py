"""What privacy adds: the revision history of residents, kept whichever feature changes them."""

from organizer.kernel.contributions import Contribution
from organizer.privacy import tracking

CONTRIBUTION = Contribution(startup=[tracking.install])
