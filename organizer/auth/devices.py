"""Known devices: a signed cookie naming the accounts that signed in from this browser.

Throttling per account (organizer.auth.services.throttle_wait) spares these browsers, so someone guessing a
person's password from elsewhere slows themselves down without locking the real owner out."""

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE_NAME = "organizer_device"
MAX_ACCOUNTS = 5  # a shared office computer remembers a few accounts, not everyone's


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="organizer-known-device")


def known_user_ids() -> list[int]:
    """The accounts the request's cookie vouches for (none when missing, forged or expired)."""
    raw = request.cookies.get(COOKIE_NAME)
    if not raw:
        return []
    max_age = int(current_app.config["KNOWN_DEVICE_DAYS"]) * 86400
    try:
        ids = _serializer().loads(raw, max_age=max_age)
    except BadSignature:
        return []
    return [value for value in ids if isinstance(value, int)] if isinstance(ids, list) else []


def remember_device(response: Response, user_id: int) -> Response:
    """After a successful sign-in: this browser is known for this account (and the last few others)."""
    ids = [user_id] + [value for value in known_user_ids() if value != user_id]
    response.set_cookie(
        COOKIE_NAME,
        _serializer().dumps(ids[:MAX_ACCOUNTS]),
        max_age=int(current_app.config["KNOWN_DEVICE_DAYS"]) * 86400,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]) or request.is_secure,
    )
    return response
