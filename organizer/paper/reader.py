"""Read filled walk sheets from photos and scans: find each door by its QR code, read its boxes.

No Flask here: the caller gives the prints to look the tokens up in (`prints(token) -> layout | None`).

1. Every QR code on the image is decoded (zxing-cpp). Its text names the door and the print
   (".../turfs/door/<household>?p=<token>"); the print's layout (organizer.turfs.sheet_layout) says where
   that door's block is on its page, in millimetres.
2. The four corners of every code, in the image and on the page, give one homography page -> image
   (RANSAC over all the codes of the page: perspective, rotation and scale at once).
3. Each row of boxes is warped to a flat crop at a fixed scale, aligned on the drawing of the boxes
   (template matching absorbs what the homography missed), and each box's inside is measured: the
   share of dark pixels, less what the same box holds when empty on this page (its printed digit).
4. Boxes are empty, ticked, filled in (a cancelled tick) or doubtful; rows with one tick give a result,
   rows with several ticks or a doubtful box are flagged for review, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

import cv2
import numpy as np

from organizer.conversations.models import DOOR_RESULTS
from organizer.turfs import sheet_layout as L

PX_PER_MM = 12.0  # the scale rows are read at
_DOOR_PATH = re.compile(r"/turfs/door/(\d+)$")
RESULT_CODES = DOOR_RESULTS  # the boxes of a door row, in the order the sheet prints them
# Share of a box's inside that is dark, above the same box empty: below EMPTY it is empty, from TICK a
# tick, from FILLED filled in (a cancelled tick); in between, doubtful.
EMPTY, TICK, FILLED, FILLED_SURE = 0.05, 0.075, 0.72, 0.8


class SheetProblem(ValueError):
    """An image that cannot be read, with the reason to show."""

    def __init__(self, code: str, image: str = "", **details):
        super().__init__(code)
        self.code, self.image, self.details = code, image, details


@dataclass
class Code:
    """A decoded QR code: the door and print it names, its corners in the image (tl, tr, br, bl)."""

    household_id: int
    token: str
    root: str
    corners: np.ndarray
    text: str


@dataclass
class RowRead:
    """What one row (one person, or the door) says."""

    resident_id: int | None
    result: str | None
    support: int | None
    follow_up: bool
    doubtful: bool
    confidence: float
    reason: str = ""
    scores: list[float] = field(default_factory=list)


@dataclass
class DoorRead:
    """One door block read from one image."""

    household_id: int
    token: str
    page: int
    image: str
    rows: list[RowRead]
    crop: np.ndarray | None = None

    @property
    def doubtful(self) -> bool:
        return any(row.doubtful for row in self.rows)

    @property
    def confidence(self) -> float:
        return min((row.confidence for row in self.rows), default=0.0)

    @property
    def ticked_rows(self) -> list[RowRead]:
        return [row for row in self.rows if row.result is not None]

    def as_json(self) -> dict:
        """The door as `flask paper read --json` prints it."""
        ticked = self.ticked_rows
        first = ticked[0] if ticked else None
        return {
            "door": self.household_id,
            "result": first.result if first else None,
            "support": first.support if first else None,
            "follow_up": any(row.follow_up for row in self.rows),
            "confidence": round(self.confidence, 3),
            "doubtful": self.doubtful,
            "print": self.token,
            "page": self.page,
            "rows": [
                {
                    "resident": row.resident_id,
                    "result": row.result,
                    "support": row.support,
                    "follow_up": row.follow_up,
                    "doubtful": row.doubtful,
                    "reason": row.reason,
                }
                for row in self.rows
            ],
        }


def parse_code(text: str) -> tuple[str, int, str] | None:
    """(root, household id, print token) of a walk sheet's QR text; None for any other code."""
    parts = urlsplit(text)
    match = _DOOR_PATH.search(parts.path)
    token = parse_qs(parts.query).get("p", [""])[0]
    if not match or not token:
        return None
    root = f"{parts.scheme}://{parts.netloc}{parts.path[: match.start()]}"
    return root, int(match.group(1)), token


def flatten_light(gray: np.ndarray) -> np.ndarray:
    """The image divided by its paper white (shadows and uneven light evened out), stretched to full range."""
    small = cv2.resize(gray, None, fx=0.125, fy=0.125, interpolation=cv2.INTER_AREA)
    background = cv2.resize(cv2.dilate(small, np.ones((5, 5), np.uint8)), (gray.shape[1], gray.shape[0]))
    flat = gray.astype(np.float32) / np.maximum(cv2.GaussianBlur(background, (0, 0), 3).astype(np.float32), 1)
    return np.clip(flat * 255, 0, 255).astype(np.uint8)


def decode_codes(gray: np.ndarray, expected: Callable[[list], int] | None = None) -> list[Code]:
    """The walk-sheet QR codes on the image (small images are enlarged first: codes of 2 px a module).

    When `expected(codes)` says more codes should be there (doors of the page), a second pass on the
    image with its light evened out finds codes lost in a shadow."""
    codes = _decode(gray)
    if codes and expected is not None and len(codes) < expected(codes):
        known = {code.text for code in codes}
        codes += [code for code in _decode(flatten_light(gray)) if code.text not in known]
    return codes


def _decode(gray: np.ndarray) -> list[Code]:
    import zxingcpp

    scale = 1.0
    image = gray
    if max(gray.shape) < 2600:
        scale = 2.0
        image = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    codes, seen = [], set()
    for barcode in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
        parsed = parse_code(barcode.text)
        if parsed is None or barcode.text in seen:
            continue
        seen.add(barcode.text)
        p = barcode.position
        corners = np.array(
            [[c.x, c.y] for c in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)], dtype=np.float64
        )
        codes.append(Code(parsed[1], parsed[2], parsed[0], corners / scale, barcode.text))
    return codes


@lru_cache(maxsize=4096)
def modules(text: str) -> int:
    """Modules across the QR symbol the sheet printed for `text` (as organizer.turfs.walksheet makes it)."""
    import segno

    return segno.make_qr(text, error="m", mask=4).symbol_size(border=0)[0]


def code_corners_mm(x: float, y: float, text: str) -> np.ndarray:
    """The printed symbol's corners on the page (mm), for a door block at (x, y)."""
    n = modules(text)
    module = L.QR_SIZE / (n + 4)
    left, top = x + 2 * module, y + 0.5 + 2 * module
    side = n * module
    return np.array([[left, top], [left + side, top], [left + side, top + side], [left, top + side]])


def quality_problem(gray: np.ndarray) -> str | None:
    """ "too_dark" or "too_blurred" when the image is so; None when it looks readable."""
    small = cv2.resize(gray, (800, int(800 * gray.shape[0] / gray.shape[1]))) if gray.shape[1] > 800 else gray
    if np.percentile(small, 95) < 70 or small.mean() < 45:
        return "too_dark"
    sharpness = cv2.Laplacian(small, cv2.CV_64F).var()
    if sharpness < 25:
        return "too_blurred"
    return None


@lru_cache(maxsize=4)
def _strip_template(support: bool = True) -> np.ndarray:
    """The drawing of one row of boxes at PX_PER_MM (what each row is aligned on)."""
    from organizer.turfs.walksheet import strip_png

    data = np.frombuffer(strip_png(round(PX_PER_MM * 25.4), support), np.uint8)
    return cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)


MARGIN = 1.6  # mm around a row's strip kept in its crop (room for alignment)


def _row_crop(gray: np.ndarray, homography: np.ndarray, left: float, top: float) -> np.ndarray:
    """The row whose strip starts at (left, top) on the page (mm), flattened at PX_PER_MM."""
    width, height = L.STRIP_W + 2 * MARGIN, L.STRIP_H + 2 * MARGIN
    # crop pixel -> page mm -> image pixel
    to_page = np.array([[1 / PX_PER_MM, 0, left - MARGIN], [0, 1 / PX_PER_MM, top - MARGIN], [0, 0, 1]])
    matrix = homography @ to_page
    size = (round(width * PX_PER_MM), round(height * PX_PER_MM))
    return cv2.warpPerspective(gray, matrix, size, flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderValue=255)


def _box_scores(crop: np.ndarray) -> tuple[list[float], float]:
    """Dark share inside each of the 14 boxes of a flattened row, after aligning it on the drawing; and how
    well it aligned (0..1)."""
    template = _strip_template()
    found = cv2.matchTemplate(crop, template, cv2.TM_CCOEFF_NORMED)
    _min, best, _at, (dx, dy) = cv2.minMaxLoc(found)
    # Paper white around each pixel (a max filter wider than a stroke, smoothed): shadows and uneven
    # light divide out, marks stay.
    kernel = np.ones((round(1.6 * PX_PER_MM), round(1.6 * PX_PER_MM)), np.uint8)
    background = cv2.GaussianBlur(cv2.dilate(crop, kernel).astype(np.float32), (0, 0), PX_PER_MM)
    darkness = 1.0 - crop.astype(np.float32) / np.maximum(background, 1.0)
    scores = []
    # How far in from the box's edge to measure a tick: clear of the printed line (circles and the
    # follow-up box's thicker square need more). A box filled in (a cancelled tick) is told by the whole
    # box being dark, which a fat dot is not.
    insets = [(0.55, 0.3)] * 8 + [(0.8, 0.3)] * 5 + [(0.85, 0.5)]
    for x_mm, (inset, outer) in zip((*L.RESULT_X, *L.SUPPORT_X, L.FOLLOW_X), insets, strict=True):
        y_mm = L.BOX_TOP
        inner = _share(darkness, dx, dy, x_mm + inset, y_mm + inset, L.BOX - 2 * inset)
        whole = _share(darkness, dx, dy, x_mm + outer, y_mm + outer, L.BOX - 2 * outer)
        scores.append(inner if whole < FILLED else max(inner, 1.0 + whole))
    return scores, float(best)


def _share(darkness: np.ndarray, dx: int, dy: int, x_mm: float, y_mm: float, side_mm: float) -> float:
    x, y, side = dx + round(x_mm * PX_PER_MM), dy + round(y_mm * PX_PER_MM), round(side_mm * PX_PER_MM)
    inside = darkness[y : y + side, x : x + side]
    return float((inside > 0.42).mean()) if inside.size else 0.0


def _classify(score: float) -> str:
    """Scores above 1 are boxes filled in as a whole (1 + the share of the whole box)."""
    if score < EMPTY:
        return "empty"
    if TICK <= score <= 1.0:
        return "tick"
    if score >= 1.0 + FILLED_SURE:
        return "filled"
    return "doubtful"


def _margin(score: float) -> float:
    """How far a score is from the nearest doubtful band, as a confidence 0..1."""
    if score < EMPTY:
        return min(1.0, (EMPTY - score) / EMPTY + 0.5)
    if TICK <= score <= 1.0:
        return min(1.0, 0.5 + (score - TICK) / 0.1)
    if score >= 1.0 + FILLED_SURE:
        return 1.0
    return 0.0


def read_row(scores: list[float], aligned: float, resident_id: int | None) -> RowRead:
    """A row's result, support and follow-up from its 14 box scores (baseline already taken off)."""
    states = [_classify(score) for score in scores]
    results = [i for i, state in enumerate(states[:8]) if state == "tick"]
    supports = [i for i, state in enumerate(states[8:13]) if state == "tick"]
    follow = states[13] == "tick"
    confidence = min(_margin(score) for score in scores) if scores else 0.0
    reason = ""
    if aligned < 0.35:
        reason = "not_aligned"
    elif "doubtful" in states:
        reason = "unclear_mark"
    elif len(results) > 1:
        reason = "several_results"
    elif len(supports) > 1:
        reason = "several_supports"
    elif not results and (supports or follow):
        reason = "no_result"
    result = RESULT_CODES[results[0]] if len(results) == 1 else None
    support = supports[0] + 1 if len(supports) == 1 else None
    if reason:
        confidence = min(confidence, 0.4)
    return RowRead(resident_id, result, support, follow, bool(reason), round(confidence, 3), reason, scores)


def page_homography(codes: list[Code], layout: dict) -> np.ndarray | None:
    """Page mm -> image px from every code's corners (RANSAC: one misread code does not bend the rest)."""
    page_points, image_points = [], []
    for code in codes:
        x, y = layout["doors"][str(code.household_id)][1:3]
        page_points.append(code_corners_mm(x, y, code.text))
        image_points.append(code.corners)
    source, target = np.vstack(page_points), np.vstack(image_points)
    if len(codes) == 1:
        homography, _mask = cv2.findHomography(source, target, 0)
    else:
        homography, _mask = cv2.findHomography(source, target, cv2.RANSAC, 6.0)
    return homography


def _inside(gray: np.ndarray, homography: np.ndarray, x: float, y: float) -> bool:
    """Whether a door block at (x, y) on the page is within the image (its QR and its boxes' far end)."""
    points = np.array([[[x, y]], [[x + 95.0, y + 15.0]]], dtype=np.float64)
    mapped = cv2.perspectiveTransform(points, homography).reshape(-1, 2)
    height, width = gray.shape
    return bool(((mapped >= 0) & (mapped < [width, height])).all())


def block_crop(gray: np.ndarray, homography: np.ndarray, x: float, y: float, width: float, height: float):
    """The door block's picture, flattened (for the organizer's review), at 8 px a millimetre."""
    scale = 8.0
    to_page = np.array([[1 / scale, 0, x - 1], [0, 1 / scale, y - 1], [0, 0, 1]])
    matrix = np.linalg.inv(homography @ to_page)
    return cv2.warpPerspective(gray, matrix, (round((width + 2) * scale), round((height + 2) * scale)), borderValue=255)


def _expected_doors(prints) -> Callable[[list[Code]], int]:
    """How many doors were printed on the page(s) the codes found so far belong to."""

    def expected(found: list[Code]) -> int:
        pages = set()
        for code in found[:3]:
            layout = prints(code.token)
            if layout and str(code.household_id) in layout.get("doors", {}):
                pages.add((code.token, layout["doors"][str(code.household_id)][0]))
        total = 0
        for token, page in pages:
            total += sum(1 for door in prints(token)["doors"].values() if door[0] == page)
        return total

    return expected


def _known_codes(codes: list[Code], prints, name: str) -> tuple[list[Code], dict]:
    """The codes of prints (and doors) known here, with their layouts; SheetProblem when there are none."""
    layouts, unknown = {}, []
    for code in codes:
        if code.token not in layouts:
            layouts[code.token] = prints(code.token)
        if layouts[code.token] is None or str(code.household_id) not in layouts[code.token].get("doors", {}):
            unknown.append(code)
    codes = [code for code in codes if code not in unknown]
    if not codes:
        raise SheetProblem("other_organization", name)
    return codes, layouts


def read_image(gray: np.ndarray, name: str, prints, crops: bool = False) -> list[DoorRead]:
    """Every door block on one image. `prints(token)` gives a print's layout, or None when the print is not
    known here (raises SheetProblem "other_organization"). Raises SheetProblem when nothing can be read."""
    codes = decode_codes(gray, _expected_doors(prints))
    if not codes:
        raise SheetProblem(quality_problem(gray) or "not_a_walk_sheet", name)
    codes, layouts = _known_codes(codes, prints, name)
    # Codes grouped by (print, page): an image normally shows one page.
    groups: dict[tuple, list[Code]] = {}
    for code in codes:
        page = layouts[code.token]["doors"][str(code.household_id)][0]
        groups.setdefault((code.token, page), []).append(code)
    doors = []
    for (token, page), members in groups.items():
        doors += _read_page(gray, name, token, page, members, layouts[token], crops)
    return doors


def _unread_doors(gray, homography, layout: dict, page: int, members: list[Code]) -> list[int]:
    """Doors of this page whose code was not read (a shadow, a fold), when enough others place the page."""
    if len(members) < 3:
        return []
    found = {code.household_id for code in members}
    return [
        int(household)
        for household, (door_page, x, y, _rows) in layout["doors"].items()
        if door_page == page and int(household) not in found and _inside(gray, homography, x, y)
    ]


def _read_page(gray, name: str, token: str, page: int, members: list[Code], layout: dict, crops: bool):
    """The door blocks of one printed page seen on the image, placed by the page's codes."""
    homography = page_homography(members, layout)
    if homography is None:
        return []
    col_w = layout.get("col_w", 95.0)
    strip_x = col_w - L.STRIP_W
    raw = []
    # Doors whose code was not read are read too, and flagged for review (never saved without the
    # organizer's eye).
    for code in [*members, *_unread_doors(gray, homography, layout, page, members)]:
        household_id = code if isinstance(code, int) else code.household_id
        _page, x, y, rows = layout["doors"][str(household_id)]
        row_scores = []
        for resident_id, row_y in rows:
            crop = _row_crop(gray, homography, x + strip_x, y + row_y + 0.3)
            scores, aligned = _box_scores(crop)
            row_scores.append((resident_id, scores, aligned))
        raw.append((code, x, y, rows, row_scores))
    # The same box empty, on this image: what its printed digit and the lighting give.
    all_scores = np.array([scores for *_rest, row_scores in raw for _r, scores, _a in row_scores])
    baseline = np.median(all_scores, axis=0) if len(all_scores) >= 6 else np.full(14, 0.0)
    baseline = np.minimum(baseline, 0.05)
    doors = []
    for code, x, y, rows, row_scores in raw:
        read_rows = [
            read_row([max(0.0, s - b) for s, b in zip(scores, baseline, strict=True)], aligned, resident_id)
            for resident_id, scores, aligned in row_scores
        ]
        if isinstance(code, int):
            for row in read_rows:
                row.doubtful, row.reason, row.confidence = True, row.reason or "code_unread", min(row.confidence, 0.3)
        height = rows[-1][1] + L.ROW_H + 4 if rows else L.QR_BLOCK
        crop = block_crop(gray, homography, x, y, col_w, max(height, L.QR_BLOCK)) if crops else None
        household_id = code if isinstance(code, int) else code.household_id
        doors.append(DoorRead(household_id, token, page, name, read_rows, crop))
    return doors


def load_images(name: str, data: bytes) -> list[tuple[str, np.ndarray]]:
    """The grey pages of a JPEG/PNG photo or of a PDF scan (one per page), named for messages."""
    if data[:5] == b"%PDF-":
        import pypdfium2

        try:
            document = pypdfium2.PdfDocument(data)
        except pypdfium2.PdfiumError as error:
            raise SheetProblem("unreadable_file", name) from error
        pages = []
        try:
            for index in range(len(document)):
                bitmap = document[index].render(scale=300 / 72, grayscale=True)
                array = np.asarray(bitmap.to_pil().convert("L"))
                pages.append((f"{name} p.{index + 1}", array.copy()))
        finally:
            document.close()
        return pages
    array = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    if array is None:
        raise SheetProblem("unreadable_file", name)
    return [(name, array)]
