"""Links that leave the screen (QR codes and links on printed sheets): built on ORGANIZER_PUBLIC_URL.

A phone scanning a sheet must reach the server the laptop runs: `http://127.0.0.1:5000` means the phone
itself. Set PUBLIC_URL to the address phones use (https://organizer.example.org, or the laptop's address on
the local network during a canvass launch); print pages warn when it is unset and the request is on loopback.
"""

import ipaddress
from urllib.parse import urlsplit

from flask import current_app, request, url_for


def public_base() -> str:
    """The configured public base URL without a trailing slash, or "" when unset."""
    return str(current_app.config.get("PUBLIC_URL") or "").strip().rstrip("/")


def public_url_for(endpoint: str, **values) -> str:
    """An absolute URL for `endpoint` that a phone can open: PUBLIC_URL + the path when it is set, else the
    address of the current request (url_for with _external)."""
    base = public_base()
    if base:
        return base + url_for(endpoint, _external=False, **values)
    return url_for(endpoint, _external=True, **values)


def _is_loopback(host: str) -> bool:
    host = (host or "").strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def links_unreachable_from_phones() -> bool:
    """True when printed links would point at this machine's loopback address (PUBLIC_URL unset and the page
    was opened as 127.0.0.1 or localhost): a phone cannot open them."""
    if public_base():
        return _is_loopback(urlsplit(public_base()).hostname or "")
    return _is_loopback(urlsplit(request.host_url).hostname or "")
