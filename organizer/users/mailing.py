"""Team invitations by e-mail (the administrator still sees the link, in case the message goes astray)."""

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from organizer.auth.models import User
from organizer.core.services import organization_name
from organizer.mail import services as mail


def invitation_url(token: str) -> str:
    """The absolute link that lets the invited person choose a password."""
    return mail.external_url("auth.accept_invitation", token=token)


def queue_invitation(user: User, token: str, inviter: str | None = None):
    """Queue the invitation e-mail in the invited person's language (or the inviter's); the caller commits."""
    locale = mail.pick_locale(user.locale, str(get_locale() or ""))
    return mail.compose(
        "invitation",
        user.email,
        template="invitation",
        locale=locale,
        subject=_l("You are invited to join %(organization)s", organization=_organization()),
        context={
            "name": user.display_name,
            "inviter": inviter or _organization(),
            "role": user.role_label,
            "link": invitation_url(token),
            "expires": user.invitation_expires_at,
        },
        user_id=user.id,
    )


def _organization() -> str:
    try:
        return organization_name()
    except Exception:  # noqa: BLE001 - a fresh database without its organization row
        return current_app.config["ORGANIZATION_NAME"]
