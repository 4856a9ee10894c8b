"""What jobs add elsewhere: who may see a job (the record-level rule), and their part of subject rights (job
results and files that may name a person: listed in a subject-access copy, deleted on an erasure)."""

from organizer.jobs import access, services
from organizer.kernel.contributions import Contribution

CONTRIBUTION = Contribution(
    record_scopes=access.RECORD_SCOPES,
    stored_copies=[services.holding_residents],
    erasers=[services.forget_residents],
)
