"""What residents add elsewhere: their own history (added, edited, merged) on the resident page's timeline;
the check and the import of an uploaded file as background jobs; the record-level rule of the issue vocabulary
(everyone reads it), saved searches (their owner's, or shared) and merges (of the residents one sees). Who
sees which resident, household and address is the turf rule, contributed by turfs."""

from sqlalchemy import or_

from organizer.auth import records
from organizer.kernel.contributions import Contribution
from organizer.residents import jobs
from organizer.residents.history import record_history
from organizer.residents.models import Issue, Resident, ResidentMerge, SavedSearch


def _every_issue(_user):
    return None  # issue names are the organization's shared vocabulary


def _own_or_shared_search(user):
    """A saved search is its owner's, or everyone's once shared (organizer.residents.lists.searches_for)."""
    return or_(SavedSearch.owner_id == user.id, SavedSearch.shared.is_(True))


def _merges_of_visible_residents(user):
    """A merge (and its undo) is seen by whoever sees the resident it kept."""
    condition = records.condition(Resident, user)
    return None if condition is None else ResidentMerge.keep_id.in_(records.visible_ids(Resident, user))


CONTRIBUTION = Contribution(
    timeline=[record_history],
    record_scopes={
        Issue: _every_issue,
        SavedSearch: _own_or_shared_search,
        ResidentMerge: _merges_of_visible_residents,
    },
    job_kinds=[jobs.CHECK_KIND, jobs.IMPORT_KIND],
)
