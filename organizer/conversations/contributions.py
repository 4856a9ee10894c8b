"""What conversations add elsewhere: timeline entries on the resident page, their part of subject rights, and
who may see their records (organizer.conversations.access)."""

from organizer.conversations import access, privacy, timeline
from organizer.conversations.labels import ANSWER_LABELS, EVIDENCE_LABELS, RESULT_LABELS, STATUS_LABELS
from organizer.kernel.contributions import Contribution

CONTRIBUTION = Contribution(
    timeline=[
        timeline.door_knocks,
        timeline.one_on_ones,
        timeline.house_meetings,
        timeline.commitments,
        timeline.stage_changes,
    ],
    subject_sections=[
        privacy.door_knock_section,
        privacy.one_on_ones_section,
        privacy.assessments_section,
        privacy.house_meetings_section,
        privacy.commitments_section,
        privacy.ladder_section,
    ],
    erasers=[privacy.erase_door_knocks, privacy.erase_hosted_house_meetings],
    record_scopes=access.RECORD_SCOPES,
    # The codes of those sections in words, for the readable subject-access copy.
    subject_labels={
        "result": RESULT_LABELS,
        "status": STATUS_LABELS,
        "evidence_kind": EVIDENCE_LABELS,
        "answer": ANSWER_LABELS,
    },
)
