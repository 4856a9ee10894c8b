"""What people read for the resident codes (organizer.residents.models): one place, both languages."""

from flask_babel import lazy_gettext as _l

# The leadership ladder (models.LEADERSHIP_STAGES) and the legal bases of processing (models.CONSENT_BASES).
STAGE_LABELS = {
    "contact": _l("Contact"),
    "supporter": _l("Supporter"),
    "volunteer": _l("Volunteer"),
    "leader": _l("Leader"),
    "core_leader": _l("Core leader"),
}
CONSENT_LABELS = {
    "consent": _l("Consent"),
    "legitimate_interest": _l("Legitimate interest"),
    "membership": _l("Membership"),
}
