"""What turfs add elsewhere: which doors a canvasser may see (those of the turfs assigned to them), and the
record-level rule built on it for turfs, addresses, households and residents (organizer.auth.records)."""

from organizer.kernel.contributions import Contribution
from organizer.turfs.access import RECORD_SCOPES, assigned_household_ids

CONTRIBUTION = Contribution(door_scope=assigned_household_ids, record_scopes=RECORD_SCOPES)
