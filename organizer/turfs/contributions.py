"""What turfs add elsewhere: which doors a canvasser may see (those of the turfs assigned to them)."""

from organizer.kernel.contributions import Contribution
from organizer.turfs.access import assigned_household_ids

CONTRIBUTION = Contribution(door_scope=assigned_household_ids)
