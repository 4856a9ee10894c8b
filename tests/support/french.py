"""Find English left in a French page: catalogue strings shown untranslated, or English sentences never wrapped."""

import re
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.pofile import read_po

PO = Path(__file__).resolve().parents[2] / "organizer/translations/fr/LC_MESSAGES/messages.po"
ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
# Words that mark a sentence as English; none of them is a French word.
ENGLISH_WORDS = {
    "the",
    "and",
    "with",
    "your",
    "you",
    "this",
    "that",
    "from",
    "have",
    "has",
    "are",
    "was",
    "were",
    "will",
    "not",
    "for",
    "of",
    "to",
    "in",
    "on",
    "by",
    "at",
    "or",
    "be",
    "is",
    "it",
    "no",
    "yes",
    "all",
    "any",
    "sign",
    "save",
    "edit",
    "delete",
    "new",
    "back",
    "next",
    "search",
    "home",
    "people",
    "who",
    "what",
    "when",
}
ALLOWED = {
    "E-mail",
    "Menu",
    "Organizer",
    "English",
    "Actions",
    "Action",
    "Note",
    "Version",
    "Conflict",
    "public",
    "Total",
}


@lru_cache(maxsize=1)
def _english_msgids() -> frozenset[str]:
    with PO.open("rb") as handle:
        catalogue = read_po(handle, locale="fr")
    ids = set()
    for message in catalogue:
        if message.id and isinstance(message.id, str) and message.string and message.string != message.id:
            ids.add(message.id)
    return frozenset(ids)


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code", "pre"):
            self._skip += 1
        attributes = dict(attrs)
        if attributes.get("lang", "").startswith("en"):
            self._skip += 1  # e.g. the "English" language button, marked lang="en"
            self._lang_tag = tag
        for name in ATTRIBUTES:
            if attributes.get(name):
                self.texts.append(attributes[name])
        if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
            self.texts.append(attributes["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code", "pre") or (tag == getattr(self, "_lang_tag", None)):
            self._skip = max(0, self._skip - 1)
            if tag == getattr(self, "_lang_tag", None):
                self._lang_tag = None

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))


def english_in_french_page(html: str, user_data: tuple[str, ...] = ()) -> list[str]:
    """Texts of a French page that are English: untranslated msgids, or sentences with English words."""
    collector = _TextCollector()
    collector.feed(html)
    msgids = _english_msgids()
    found = []
    for text in collector.texts:
        cleaned = text
        for value in user_data:
            cleaned = cleaned.replace(value, " ")
        cleaned = cleaned.strip()
        if not cleaned or cleaned in ALLOWED:
            continue
        if cleaned in msgids:
            found.append(cleaned)
            continue
        words = {w.lower() for w in re.findall(r"[A-Za-z]+", cleaned)}
        if len(words & ENGLISH_WORDS) >= 2:
            found.append(cleaned)
    return found


ISO_DATE = re.compile(r"(?<![\d/.-])\d{4}-\d{2}-\d{2}(?![\d-])")
SECONDS = re.compile(r"(?<![\d:])\d{1,2}:\d{2}:\d{2}(?![\d:])")
# A colon glued to the word before it, in running text ("Format: bal"): French puts a space before ":".
TIGHT_COLON = re.compile(r"[A-Za-zÀ-ÿ0-9)»]:(?=\s|$)")


def french_slips(text: str) -> list[str]:
    """ISO dates, times with seconds and colons without their space in a French text (page or PDF)."""
    slips = []
    for pattern, what in ((ISO_DATE, "ISO date"), (SECONDS, "seconds"), (TIGHT_COLON, "colon without space")):
        for match in pattern.finditer(text):
            start, end = max(0, match.start() - 30), match.end() + 20
            slips.append(f"{what}: …{text[start:end]}…")
    return slips


def visible_text(html: str) -> str:
    """The text a reader sees in a page (scripts, styles and code left out), one line per text node."""
    collector = _TextCollector()
    collector.feed(html)
    return "\n".join(collector.texts)
