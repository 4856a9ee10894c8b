"""The printed walk sheet: compact by default (organizer.turfs.sheet_layout places every door), roomy on demand.

`render_walk_sheets(turfs, ...)` is the one entry point the page, the command and the batch job call."""

import re
import secrets
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from io import BytesIO

import segno
from flask import current_app, has_request_context, request
from flask_babel import force_locale, format_date, get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from organizer.conversations.labels import RESULT_LABELS
from organizer.core.services import organization_name
from organizer.db import write_intent
from organizer.extensions import db
from organizer.printing import parts
from organizer.printing.pdf import render_print_html
from organizer.residents.normalize import fold
from organizer.turfs import services
from organizer.turfs import sheet_layout as layout
from organizer.turfs.models import SheetPrint, Turf
from organizer.turfs.typography import typo

# Where QR codes point when there is no request to take the host from (commands, benchmarks).
DEFAULT_PUBLIC_URL = "http://localhost:5000"
_PAGE_COUNT = re.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)|/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", re.S)
_OBJECT_STREAM = re.compile(rb"<<[^>]*/Type\s*/ObjStm[^>]*/Length\s+(\d+)[^>]*>>\s*stream\r?\n", re.S)
# Pages per rendering part: parts render in parallel processes and bound each process's memory.
PART_PAGES = 8


@dataclass
class Sheet:
    """A rendered PDF and what it holds (`prints`: the print records to keep, see remember_prints)."""

    pdf: bytes
    pages: int
    doors: int
    prints: list = field(default_factory=list)


def public_root() -> str:
    """Scheme and host the QR codes open: PUBLIC_URL (ORGANIZER_PUBLIC_URL) when set, else the request's."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return DEFAULT_PUBLIC_URL


def door_url(root: str, household_id: int, token: str) -> str:
    """What a door's QR code holds: its phone page, naming the print (`p`) so a read-back knows the sheet."""
    return f"{root}/turfs/door/{household_id}?p={token}"


@lru_cache(maxsize=20_000)
def qr_data_uri(url: str) -> str:
    """An inline QR code (data: URI: the PDF fetcher loads nothing else).

    A tiny PNG, one pixel per module, printed without smoothing (image-rendering: pixelated): WeasyPrint
    draws it four times faster than the same code as SVG. The mask is fixed: every mask is valid
    (ISO/IEC 18004), and scoring the eight to pick one costs 4 ms per code for no visible gain."""
    return segno.make_qr(url, error="m", mask=4).png_data_uri(scale=1, border=2)


@lru_cache(maxsize=64)
def strip_data_uri(pattern: tuple = (0.0,), support: bool = True, dpi: int = 600) -> str:
    """The boxes of a door's rows as one PNG (one image per door lays out fast); `pattern` is each row's
    offset (mm) from the first, as sheet_layout.Block.pattern gives it."""
    import base64

    return "data:image/png;base64," + base64.b64encode(strip_png(dpi, support, pattern)).decode()


def strip_png(dpi: int = 600, support: bool = True, pattern: tuple = (0.0,)) -> bytes:
    """Result boxes 1-8, support circles 1-5 and the follow-up box of each row, drawn at `dpi` (the photo
    reader matches this same drawing to find each row)."""
    from PIL import Image, ImageDraw, ImageFont

    scale = dpi / 25.4
    width = round(layout.STRIP_W * scale)
    height = round((max(pattern) + layout.STRIP_H) * scale)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=max(8, round(1.9 * scale)))
    line = max(1, round(0.22 * scale))
    side = layout.BOX * scale

    def box(x_mm, top, label, shape="square", weight=line):
        left = x_mm * scale
        rect = (left, top, left + side, top + side)
        if shape == "circle":
            draw.ellipse(rect, outline=0, width=weight)
        else:
            draw.rectangle(rect, outline=0, width=weight)
        draw.text((left + side / 2, top + side / 2), label, fill=165, font=font, anchor="mm")

    for offset in pattern:
        top = (offset + layout.BOX_TOP) * scale
        for index, x in enumerate(layout.RESULT_X):
            box(x, top, str(index + 1))
        for index, x in enumerate(layout.SUPPORT_X if support else ()):
            box(x, top, str(index + 1), "circle")
        box(layout.FOLLOW_X, top, "+", weight=line * 2)
    buffer = BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


class _StripFiles(dict):
    """The strip images a document uses, as files for the renderer ({"strip-0-4.png": bytes}); calling it
    with a door block gives the block's image URL."""

    def __init__(self, support: bool):
        super().__init__()
        self.support = support

    def __call__(self, block) -> str:
        name = "strip-" + "-".join(f"{offset:g}" for offset in block.pattern) + ".png"
        if name not in self:
            self[name] = strip_png(600, self.support, block.pattern)
        return "/mem/" + name


def css_string(text: str) -> str:
    """A CSS string literal (for @page margin boxes, which only take CSS content)."""
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'


def css_content(template: str, **parts_: str) -> str:
    """ "Page {page} of {pages}" -> '"Page " counter(page) " of " counter(pages)' for a margin box."""
    pieces = re.split(r"\{(\w+)\}", template)
    out = []
    for index, piece in enumerate(pieces):
        if index % 2:
            out.append(parts_[piece])
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
    """ "walk-sheet-les-acacias-2026-11-23.pdf"-like names, safe on any disk."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(turf.name)).strip("-") or f"turf-{turf.id}"
    return f"walk-sheet-{slug}-{(today or services.local_today()).isoformat()}.pdf"


def door_address(address) -> str:
    """ "12 bis rue Joffre", and "s/n rue Joffre" where the address has no number: a number is always printed."""
    line = services.address_line(address)
    if address.number is None:
        no_number = _("no number")
        line = f"{no_number} {line}"
    if address.city and address.number is None:
        line = f"{line}, {address.city}"
    return line


def group_headings(doors) -> dict:
    """Headings for blocks of flats: door's seq -> "12 rue Joffre · bldg. A · stair 2 · floor 3".

    A building (number, building, staircase) gets a heading when three doors or more share it; its floor is
    added when two doors or more share the floor too. A house gets none."""
    from collections import Counter

    def building(a):
        return (a.street_key, a.number, a.suffix, a.building, a.staircase)

    buildings = Counter(building(door.address) for door in doors)
    floors = Counter((building(door.address), door.address.floor) for door in doors)
    headings = {}
    for door in doors:
        a = door.address
        if buildings[building(a)] < 3:
            continue
        parts_ = [door_address(a)]
        for value, label in ((a.building, _("bldg.")), (a.staircase, _("stair"))):
            if value:
                parts_.append(f"{label} {value}")
        if a.floor and floors[(building(a), a.floor)] >= 2:
            parts_.append(f"{_('floor')} {a.floor}")
        headings[door.seq] = " · ".join(parts_)
    return headings


def door_notes(door, access_notes: bool = True) -> list[str]:
    """What is printed in a door's notes area: access notes (only when `access_notes`: see sheet_context) and
    the last knock (date in words)."""
    lines = []
    if access_notes and door.address.access_notes:
        lines.append(typo(f"{_('Access')}: {door.address.access_notes}"))
    if door.last_knock:
        when = format_date(door.last_knock.knocked_at, "long")
        lines.append(typo(f"{_('Last')}: {RESULT_LABELS[door.last_knock.result]}, {when}"))
    return lines


def resident_text(resident) -> str:
    """A person's row: their name, and their languages when known."""
    return f"{resident.display_name} ({resident.languages})" if resident.languages else resident.display_name


def _head_height(turf: Turf, has_map: bool) -> float:
    """Height (mm) of page 1's header: title lines and the script (estimated generously), beside the route map
    when there is one (the words then have about 60 characters a line instead of 105)."""
    height = 24.0
    if turf.script:
        width = 60 if has_map else 105
        lines = sum(max(1, -(-len(line) // width)) for line in turf.script.splitlines())
        height += 5.0 + 3.5 * lines
    if has_map:
        height = max(height + 4.0, ROUTE_MAP_H)  # a meta line may wrap beside the map
    return height


# Room kept at the right of page 1's header for the route map (organizer.turfs.route_map).
ROUTE_MAP_H = 45.0
ROUTE_MAP_TEMPLATE = "turfs/_route_map.html"


def _has_route_map(doors) -> bool:
    """A route map is drawn when some door has coordinates (organizer.turfs.route_map draws nothing else)."""
    return any(door.address.lat is not None and door.address.lon is not None for door in doors)


def new_token() -> str:
    """A print's token: short enough for a small QR code, random enough not to be guessed."""
    return secrets.token_urlsafe(6)


def sheet_context(turf: Turf, rural: bool = False, user=None, roomy: bool = False, paper: str | None = None) -> dict:
    """What the template needs for one turf, laid out (compact) on `paper`; `print` is its unsaved record."""
    today = services.local_today()
    doors = services.turf_doors(turf, rural=rural)
    holders = services.assignments_of(turf, current_only=True)
    if user is not None and services.is_canvasser(user):
        holders = [a for a in holders if a.user_id == user.id]
    root, token = public_root(), new_token()
    qr = {
        door.household.id: qr_data_uri(door_url(root, door.household.id, token))
        for door in doors
        if not door.do_not_knock
    }
    paper = paper or _paper()
    context = {
        "turf": turf,
        "doors": doors,
        "qr": qr,
        "canvassers": [a.user.display_name for a in holders],
        "printed_on": today,
        "destroy_after": services.destroy_after(turf, user, today),
        "rural": rural,
        "roomy": roomy,
        "token": token,
        # Door codes and entry notes are printed only on the sheet of a canvasser assigned to this turf, printed
        # by themselves: a sheet printed for the office or left behind does not open the buildings.
        "access_notes": user is not None and any(a.user_id == user.id for a in holders),
    }
    record = {"roomy": True}
    if not roomy:
        geometry = layout.Geometry.of(paper)
        has_map = _has_route_map(doors)
        groups = group_headings(doors)
        head_h = _head_height(turf, has_map)
        pages = layout.paginate(
            doors,
            geometry=geometry,
            first_page_top=layout.MARGIN_TOP + head_h,
            texts=lambda door: [resident_text(r) for r in door.residents],
            empty_text=_("No one known"),
            street_of=lambda door: door.address.street,
            group_of=lambda door: groups.get(door.seq, ""),
            notes_of=lambda door: door_notes(door, context["access_notes"]),
        )
        context.update(pages=pages, geometry=geometry, head_h=head_h, has_map=has_map)
        record = layout.layout_record(pages, geometry)
    context["print"] = SheetPrint(token=token, turf_id=turf.id, created_by_id=getattr(user, "id", None), layout=record)
    return context


def _paper() -> str:
    from organizer.i18n import paper_size

    return paper_size(str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]))


def _common_context(paper: str | None) -> dict:
    context = {
        "organization": organization_name(),
        "results": [(code, services.RESULT_SHORT_CODES[code], label) for code, label in RESULT_LABELS.items()],
        "support_enabled": current_app.config.get("SUPPORT_LEVELS_ENABLED", True),
        "css_content": css_content,
        "css_string": css_string,
        "address_line": services.address_line,
        "door_address": door_address,
        "address_details": services.address_details,
        "result_labels": RESULT_LABELS,
        "typo": typo,
        "layout": layout,
        "strip": _StripFiles(bool(current_app.config.get("SUPPORT_LEVELS_ENABLED", True))),
        "route_map_template": ROUTE_MAP_TEMPLATE,
    }
    if paper:
        context["paper"] = paper
    return context


def sheets_html(sheets: list[dict], paper: str | None = None, common: dict | None = None) -> str:
    """The HTML of the sheets (all compact, or all roomy)."""
    roomy = any(sheet.get("roomy") for sheet in sheets)
    template = "turfs/walk_sheet_roomy.html" if roomy else "turfs/walk_sheet.html"
    return render_print_html(template, sheets=sheets, **(common or _common_context(paper)))


def part_htmls(sheets: list[dict], paper: str | None = None, common: dict | None = None) -> list[str]:
    """The compact sheets cut into parts of at most PART_PAGES pages, at page boundaries (so never inside
    a door); each part is a whole HTML document. Roomy sheets are one part (their pages flow).

    The images the parts link to are added to `common["strip"]` (pass the same `common` to the renderer)."""
    common = common if common is not None else _common_context(paper)
    if any(sheet.get("roomy") for sheet in sheets):
        return [sheets_html(sheets, paper, common)]
    chunks, current, size = [], [], 0
    for sheet in sheets:
        pages = sheet["pages"]
        for start in range(0, len(pages), PART_PAGES):
            piece = pages[start : start + PART_PAGES]
            if current and size + len(piece) > PART_PAGES:
                chunks.append(current)
                current, size = [], 0
            current.append(sheet | {"part_pages": piece})
            size += len(piece)
    if current:
        chunks.append(current)
    return [render_print_html("turfs/walk_sheet.html", sheets=chunk, **common) for chunk in chunks]


def render_sheets(sheets: list[dict], paper: str | None = None) -> bytes:
    """Render one or several turfs' sheets into one PDF (in the current locale): big ones in parallel parts."""
    common = _common_context(paper)
    htmls = part_htmls(sheets, paper, common)
    return parts.render_joined(htmls, static_folder=current_app.static_folder, resources=dict(common["strip"]))


def render_walk_sheets(
    turfs: list[Turf],
    *,
    rural: bool = False,
    paper: str | None = None,
    lang: str | None = None,
    user=None,
    roomy: bool = False,
    as_zip: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Sheet:
    """The walk sheets of `turfs` as one PDF (each turf from a new page) or a zip of one PDF per turf.

    In `lang` (default: the current locale), on `paper` (default: the locale's). `progress(n)` is told after
    each turf is gathered. The returned Sheet's `prints` are to be kept with remember_prints()."""
    if lang:
        with force_locale(lang):
            return render_walk_sheets(
                turfs, rural=rural, paper=paper, user=user, roomy=roomy, as_zip=as_zip, progress=progress
            )
    contexts = []
    for done, turf in enumerate(turfs, start=1):
        contexts.append(sheet_context(turf, rural=rural, user=user, roomy=roomy, paper=paper))
        if progress:
            progress(done)
    prints = [context["print"] for context in contexts]
    doors = sum(len(context["doors"]) for context in contexts)
    if as_zip:
        common = _common_context(paper)
        htmls = [part_htmls([context], paper, common) for context in contexts]
        pdfs = parts.render_many(htmls, static_folder=current_app.static_folder, resources=dict(common["strip"]))
        buffer = BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for turf, pdf in zip(turfs, pdfs, strict=True):
                archive.writestr(sheet_filename(turf), pdf)
        return Sheet(buffer.getvalue(), sum(page_count(pdf) for pdf in pdfs), doors, prints)
    pdf = render_sheets(contexts, paper=paper)
    return Sheet(pdf, page_count(pdf), doors, prints)


def build_sheet(
    turf: Turf, rural: bool = False, paper: str | None = None, lang: str | None = None, user=None, roomy=False
) -> Sheet:
    """The walk sheet of one turf as a PDF, in `lang` (default: the current locale) on `paper`."""
    return render_walk_sheets([turf], rural=rural, paper=paper, lang=lang or None, user=user, roomy=roomy)


def build_bundle(
    turfs: list[Turf],
    as_zip: bool,
    rural: bool = False,
    paper: str | None = None,
    user=None,
    progress: Callable[[int], None] | None = None,
    roomy: bool = False,
):
    """Several turfs at once (the batch job): returns (bytes, doors); the prints are kept here."""
    sheet = render_walk_sheets(
        turfs, rural=rural, paper=paper, user=user, roomy=roomy, as_zip=as_zip, progress=progress
    )
    remember_prints(sheet.prints)
    return sheet.pdf, sheet.doors


def remember_prints(prints: list) -> None:
    """Keep the print records (so their QR codes can be read back): ends the read, writes, commits."""
    if not prints:
        return
    db.session.commit()
    with write_intent():
        db.session.add_all(prints)
        db.session.commit()


def format_day(day: date) -> str:
    """A date as printed on the sheet."""
    return format_date(day, "long")


def legend_text() -> str:
    """The result codes as one line ("1 Not home · 2 Talked ..."), for the grid's help."""
    return " · ".join(f"{services.RESULT_SHORT_CODES[code]} {label}" for code, label in RESULT_LABELS.items())
