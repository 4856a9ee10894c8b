"""What people read for the conversation codes (organizer.conversations.models): one place, both languages."""

from flask_babel import lazy_gettext as _l

# Door results (models.DOOR_RESULTS), answers to an ask (ASK_ANSWERS), commitment statuses (COMMITMENT_STATUSES),
# evidence of a step up the ladder (EVIDENCE_KINDS).
RESULT_LABELS = {
    "not_home": _l("Not home"),
    "talked": _l("Talked"),
    "refused": _l("Refused"),
    "moved": _l("Moved"),
    "inaccessible": _l("Inaccessible"),
    "come_back": _l("Come back later"),
    "language_barrier": _l("Language barrier"),
    "do_not_contact": _l("Do not contact"),
}
ANSWER_LABELS = {
    "yes": _l("Yes"),
    "no": _l("No"),
    "counter": _l("Counter-offer"),
    "later": _l("Later (by a date)"),
}
STATUS_LABELS = {"open": _l("Open"), "done": _l("Done"), "dropped": _l("Dropped")}
EVIDENCE_LABELS = {
    "hosted_house_meeting": _l("Hosted a house meeting"),
    "chaired_meeting": _l("Chaired a meeting"),
    "brought_people": _l("Brought people"),
    "kept_commitment": _l("Kept a commitment"),
    "spoke_publicly": _l("Spoke in public"),
    "recruited_leader": _l("Recruited a leader"),
    "other": _l("Other"),
}
