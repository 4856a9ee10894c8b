"""Signed links in residents' e-mail: "I can't come any more" and "unsubscribe". No account needed."""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer


def _serializer(purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=f"organizer.turnout.{purpose}")


def make(purpose: str, **values: int) -> str:
    """A token carrying `values`, valid only for `purpose` ("cancel", "unsubscribe")."""
    return _serializer(purpose).dumps(values)


def read(purpose: str, token: str) -> dict | None:
    """The values of a genuine token for `purpose`, else None (tampered, or made for something else)."""
    try:
        values = _serializer(purpose).loads(token)
    except BadSignature:
        return None
    return values if isinstance(values, dict) else None
