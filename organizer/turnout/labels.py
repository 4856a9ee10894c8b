"""What people read for turnout's codes (the outcomes of a reminder call)."""

from flask_babel import lazy_gettext as _l

# One tap each on the phone, in this order (organizer.turnout.models.OUTCOMES).
OUTCOME_LABELS = {
    "coming": _l("Coming"),
    "maybe": _l("Maybe"),
    "not_coming": _l("Not coming"),
    "no_answer": _l("No answer"),
    "wrong_number": _l("Wrong number"),
    "do_not_call": _l("Do not call again"),
}
