"""What turfs add elsewhere: which doors a canvasser may see (those of the turfs assigned to them), and the
batch printing of walk sheets as a background job."""

from organizer.kernel.contributions import Contribution
from organizer.turfs import jobs
from organizer.turfs.access import assigned_household_ids

CONTRIBUTION = Contribution(door_scope=assigned_household_ids, job_kinds=[jobs.WALK_SHEETS])
