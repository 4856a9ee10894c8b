"""French typography for printed text: a narrow no-break space before : ; ! ? and inside « »."""

import re

from flask_babel import get_locale
from markupsafe import Markup

NNBSP = "\u202f"
# A space (or none) before the high punctuation, when it follows a word and ends a word itself.
_BEFORE = re.compile(r"(?<=[^\s\d/:])[ \u00a0\u202f]?([:;!?])(?=\s|$|[»)])")
_OPEN = re.compile(r"«[ \u00a0\u202f]?")
_CLOSE = re.compile(r"[ \u00a0\u202f]?»")


def french(text: str) -> str:
    """`text` with French spacing (URLs and times such as 12:30 left alone)."""
    text = _BEFORE.sub(NNBSP + r"\1", text)
    text = _OPEN.sub("«" + NNBSP, text)
    return _CLOSE.sub(NNBSP + "»", text)


def typo(text) -> str:
    """French spacing when printing in French; the text unchanged otherwise. Markup stays Markup."""
    if not str(get_locale() or "").startswith("fr"):
        return text
    if isinstance(text, Markup):
        return Markup(french(str(text)))  # noqa: S704 - spaces added to already-safe markup
    return french(str(text))
