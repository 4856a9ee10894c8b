"""Password policy (NIST SP 800-63B): long enough, not a known common password, no composition rules."""

from pathlib import Path

from flask_babel import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 128

# The most used passwords of 12+ characters; compared without case or surrounding spaces.
COMMON_PASSWORDS = frozenset(
    line.strip()
    for line in (Path(__file__).parent / "common_passwords.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)


def password_problem(password: str) -> str | None:
    """Why this password is refused (translatable text), or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return str(_l("At least %(min)d characters.", min=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        return str(_l("At most %(max)d characters.", max=MAX_LENGTH))
    folded = password.strip().lower()
    if folded in COMMON_PASSWORDS or len(set(folded)) <= 2:
        return str(_l("This password is among the most common ones: choose another (a short sentence works well)."))
    return None
