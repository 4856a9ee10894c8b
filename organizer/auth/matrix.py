"""The permission matrix, read off the access rules the views declare (so the page cannot drift from them)."""

from dataclasses import dataclass

from flask import Flask
from flask_babel import lazy_gettext as _l

from organizer.auth.models import Role

# Rules on records, on top of the per-page roles; each feature enforces its own in its services.
RECORD_RULES = [
    _l("Canvassers see only the turfs assigned to them, and the residents of those turfs, while the assignment lasts."),
    _l("Notes marked sensitive are shown only to organizers and administrators (and to their author)."),
    _l("Residents marked do-not-contact are never printed on walk sheets or sign-in sheets, nor exported for contact."),
    _l("Exports and erasures ask for the password again when the last sign-in is older than 15 minutes."),
    _l(
        "Every view of a resident page, every export and every printed sheet of personal data"
        " is written to the audit log."
    ),
]


@dataclass
class MatrixRow:
    """One page or action: who may open it."""

    endpoint: str
    rule: str
    methods: str
    allowed: dict[str, bool]
    public: bool
    reauth: bool


def permission_matrix(app: Flask) -> list[MatrixRow]:
    """Every registered endpoint with the roles its access rule lets through."""
    rows = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint.split(".")[0], r.rule)):
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        is_public = getattr(view, "is_public", False)
        roles = getattr(view, "required_roles", None)
        allowed = {}
        for role in Role:
            if is_public:
                allowed[role.value] = True
            elif roles is None:
                allowed[role.value] = False
            else:
                allowed[role.value] = role == Role.ADMIN or not roles or role.value in roles
        methods = ", ".join(sorted(m for m in rule.methods if m not in ("HEAD", "OPTIONS")))
        rows.append(
            MatrixRow(
                rule.endpoint,
                rule.rule,
                methods,
                allowed,
                is_public,
                getattr(view, "recent_auth_minutes", None) is not None,
            )
        )
    return rows
