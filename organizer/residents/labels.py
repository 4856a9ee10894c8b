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
    "legitimate_interest": _l("Legitimate interest of the association"),
    "membership": _l("Membership"),
    "electoral_list": _l("Electoral list (electoral communication only)"),
}
# Shown wherever the electoral list is the basis: on the import, the resident and the subject-access copy.
ELECTORAL_WARNING = _l(
    "Data from the electoral list may be used only for electoral communication (French electoral code, "
    "art. L. 37 and R. 16): not for any other campaign or purpose, and never passed on to anyone."
)
