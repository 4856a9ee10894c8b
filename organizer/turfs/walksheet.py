"""The printed walk sheet: one block per door, rendered by organizer.printing.pdf.render_pdf."""

import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from io import BytesIO

import segno
from flask import current_app, has_request_context, request
from flask_babel import force_locale, format_date
from markupsafe import Markup

from organizer.conversations.labels import RESULT_LABELS
from organizer.core.services import organization_name
from organizer.printing.pdf import html_to_pdf, render_print_html
from organizer.residents.normalize import fold
from organizer.turfs import services
from organizer.turfs.models import Turf

# Where QR codes point when there is no request to take the host from (commands, benchmarks).
DEFAULT_PUBLIC_URL = "http://localhost:5000"
_PAGE_COUNT = re.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)|/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", re.S)
_OBJECT_STREAM = re.compile(rb"<<[^>]*/Type\s*/ObjStm[^>]*/Length\s+(\d+)[^>]*>>\s*stream\r?\n", re.S)


@dataclass
class Sheet:
    """A rendered PDF and what it holds."""

    pdf: bytes
    pages: int
    doors: int


def public_root() -> str:
    """Scheme and host the QR codes open: the request's, else PUBLIC_URL, else localhost."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return DEFAULT_PUBLIC_URL


@lru_cache(maxsize=20_000)
def qr_data_uri(url: str) -> str:
    """An inline QR code (data: URI: the PDF fetcher loads nothing else).

    A tiny PNG, one pixel per module, printed without smoothing (image-rendering: pixelated): WeasyPrint
    draws it four times faster than the same code as SVG. The mask is fixed: every mask is valid
    (ISO/IEC 18004), and scoring the eight to pick one costs 4 ms per code, 4 s per 1,000-door sheet,
    for no visible gain on a short URL printed 17 mm wide. Codes are cached: sheets are printed again."""
    return segno.make_qr(url, error="m", mask=4).png_data_uri(scale=1, border=2)


def css_string(text: str) -> str:
    """A CSS string literal (for @page margin boxes, which only take CSS content)."""
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'


def css_content(template: str, **parts: str) -> str:
    """ "Page {page} of {pages}" -> '"Page " counter(page) " of " counter(pages)' for a margin box."""
    pieces = re.split(r"\{(\w+)\}", template)
    out = []
    for index, piece in enumerate(pieces):
        if index % 2:
            out.append(parts[piece])
        elif piece:
            out.append(css_string(piece))
    return Markup(" ".join(out))  # noqa: S704 - built from escaped CSS strings


def page_count(pdf: bytes) -> int:
    """Pages of a WeasyPrint PDF (the /Count of its page tree root)."""
    chunks = [pdf]
    # WeasyPrint packs small objects (the page tree among them) into compressed object streams.
    for match in _OBJECT_STREAM.finditer(pdf):
        start = match.end()
        try:
            chunks.append(zlib.decompress(pdf[start : start + int(match.group(1))]))
        except zlib.error:
            continue
    counts = [int(a or b) for chunk in chunks for a, b in _PAGE_COUNT.findall(chunk)]
    return max(counts) if counts else 0


def sheet_filename(turf: Turf, today: date | None = None) -> str:
    """ "feuille-les-acacias-2026-11-23.pdf"-like names, safe on any disk."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(turf.name)).strip("-") or f"turf-{turf.id}"
    return f"walk-sheet-{slug}-{(today or services.local_today()).isoformat()}.pdf"


def sheet_context(turf: Turf, rural: bool = False, user=None) -> dict:
    """What the template needs for one turf."""
    today = services.local_today()
    doors = services.turf_doors(turf, rural=rural)
    holders = services.assignments_of(turf, current_only=True)
    if user is not None and services.is_canvasser(user):
        holders = [a for a in holders if a.user_id == user.id]
    root = public_root()
    door_path = root + "/turfs/door/"
    qr = {door.household.id: qr_data_uri(f"{door_path}{door.household.id}") for door in doors if not door.do_not_knock}
    return {
        "turf": turf,
        "doors": doors,
        "qr": qr,
        "canvassers": [a.user.display_name for a in holders],
        "printed_on": today,
        "destroy_after": services.destroy_after(turf, user, today),
        "rural": rural,
        # Door codes and entry notes are printed only on the sheet of a canvasser assigned to this turf, printed
        # by themselves: a sheet printed for the office or left behind does not open the buildings.
        "access_notes": user is not None and any(a.user_id == user.id for a in holders),
    }


def render_sheets(sheets: list[dict], paper: str | None = None) -> bytes:
    """Render one or several turfs' sheets into one PDF (in the current locale)."""
    return html_to_pdf(sheets_html(sheets, paper))


def sheets_html(sheets: list[dict], paper: str | None = None) -> str:
    """The HTML the walk sheet PDF is made from."""
    context = {
        "sheets": sheets,
        "organization": organization_name(),
        "results": [(code, services.RESULT_SHORT_CODES[code], label) for code, label in RESULT_LABELS.items()],
        "support_enabled": current_app.config.get("SUPPORT_LEVELS_ENABLED", True),
        "css_content": css_content,
        "css_string": css_string,
        "address_line": services.address_line,
        "address_details": services.address_details,
        "result_labels": RESULT_LABELS,
    }
    if paper:
        context["paper"] = paper
    return render_print_html("turfs/walk_sheet.html", **context)


def build_sheet(turf: Turf, rural: bool = False, paper: str | None = None, lang: str | None = None, user=None) -> Sheet:
    """The walk sheet of one turf as a PDF, in `lang` (default: the current locale) on `paper`."""
    lang = lang or None
    if lang:
        with force_locale(lang):
            return build_sheet(turf, rural=rural, paper=paper, user=user)
    context = sheet_context(turf, rural=rural, user=user)
    pdf = render_sheets([context], paper=paper)
    return Sheet(pdf, page_count(pdf), len(context["doors"]))


def build_bundle(
    turfs: list[Turf],
    as_zip: bool,
    rural: bool = False,
    paper: str | None = None,
    user=None,
    progress: Callable[[int], None] | None = None,
):
    """Several turfs at once: one PDF (each turf starting on a new page) or a zip of one PDF per turf.

    `progress(n)` is told after each turf (for one PDF, once its doors are gathered: the rendering of
    the whole document comes last). Returns (bytes, doors)."""
    if as_zip:
        buffer, doors = BytesIO(), 0
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for done, turf in enumerate(turfs, start=1):
                sheet = build_sheet(turf, rural=rural, paper=paper, user=user)
                archive.writestr(sheet_filename(turf), sheet.pdf)
                doors += sheet.doors
                if progress:
                    progress(done)
        return buffer.getvalue(), doors
    contexts = []
    for done, turf in enumerate(turfs, start=1):
        contexts.append(sheet_context(turf, rural=rural, user=user))
        if progress:
            progress(done)
    return render_sheets(contexts, paper=paper), sum(len(c["doors"]) for c in contexts)


def format_day(day: date) -> str:
    """A date as printed on the sheet."""
    return format_date(day, "long")


def legend_text() -> str:
    """The result codes as one line ("1 Not home · 2 Talked ..."), for the grid's help."""
    return " · ".join(f"{services.RESULT_SHORT_CODES[code]} {label}" for code, label in RESULT_LABELS.items())
