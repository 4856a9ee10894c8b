"""What turfs add elsewhere: which doors a canvasser may see (those of the turfs assigned to them), and the
batch printing of walk sheets as a background job; the record-level rule built on it for turfs, addresses,
households and residents (organizer.auth.records)."""

from organizer.kernel.contributions import Contribution
from organizer.turfs import jobs
from organizer.turfs.access import RECORD_SCOPES, assigned_household_ids

CONTRIBUTION = Contribution(
    door_scope=assigned_household_ids, record_scopes=RECORD_SCOPES, job_kinds=[jobs.WALK_SHEETS]
)
