"""Filled walk sheets made from real printed ones: rasterise the PDF, tick boxes at random as people do
(check, cross, filled dot, light pencil; a cancelled tick filled in with another ticked), then degrade it
as a scanner (150 or 300 dpi) or a phone (rotation, perspective, blur, JPEG 60, uneven light, a shadow).

Used by the tests (a few pages) and by `make bench` (accuracy over more than 1,000 doors)."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

import cv2
import numpy as np

from organizer.paper.reader import RESULT_CODES
from organizer.turfs import sheet_layout as L

KINDS = ("check", "cross", "dot", "pencil")


@dataclass
class Truth:
    """What was really ticked on one row."""

    household_id: int
    row: int
    result: str | None
    support: int | None
    follow_up: bool
    several: bool = False


def rasterise(pdf: bytes, dpi: int = 300) -> list[np.ndarray]:
    """The PDF's pages as grey images."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return [
            np.asarray(page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")).copy() for page in document
        ]
    finally:
        document.close()


def _mark(image: np.ndarray, cx: float, cy: float, px_mm: float, kind: str, rng: random.Random) -> None:
    """Draw one mark of `kind` centred near (cx, cy) px in a 3 mm box."""
    half = 1.15 * px_mm
    jitter = lambda: rng.uniform(-0.25, 0.25) * px_mm  # noqa: E731
    cx, cy = cx + jitter(), cy + jitter()
    ink = rng.randint(10, 60)
    width = max(1, round(rng.uniform(0.3, 0.45) * px_mm))
    if kind == "pencil":
        ink, width = rng.randint(95, 130), max(1, round(0.3 * px_mm))
    if kind in ("check", "pencil"):
        points = np.array(
            [[cx - half, cy], [cx - half * 0.3, cy + half * 0.8], [cx + half, cy - half * 0.9]], dtype=np.int32
        )
        cv2.polylines(image, [points], False, ink, width, cv2.LINE_AA)
    elif kind == "cross":
        cv2.line(image, (int(cx - half), int(cy - half)), (int(cx + half), int(cy + half)), ink, width, cv2.LINE_AA)
        cv2.line(image, (int(cx - half), int(cy + half)), (int(cx + half), int(cy - half)), ink, width, cv2.LINE_AA)
    elif kind == "dot":
        cv2.circle(image, (int(cx), int(cy)), int(half * 0.75), ink, -1, cv2.LINE_AA)
    elif kind == "fill":
        cv2.rectangle(
            image,
            (int(cx - half * 1.25), int(cy - half * 1.25)),
            (int(cx + half * 1.25), int(cy + half * 1.25)),
            ink,
            -1,
        )


def fill_page(
    image: np.ndarray, layout: dict, page: int, dpi: int, rng: random.Random, several_rate=0.0
) -> list[Truth]:
    """Tick the rows of `page` at random (a third of the rows left empty); returns what was ticked."""
    px_mm = dpi / 25.4
    strip_x = layout["col_w"] - L.STRIP_W
    truths = []
    for household, (door_page, x, y, rows) in layout["doors"].items():
        if door_page != page:
            continue
        for index, (_resident, row_y) in enumerate(rows):
            top = y + row_y + 0.3 + L.BOX_TOP + L.BOX / 2

            def centre(x_mm, top=top, x=x):
                return (x + strip_x + x_mm + L.BOX / 2) * px_mm, top * px_mm

            if rng.random() < 0.33:
                truths.append(Truth(int(household), index, None, None, False))
                continue
            code = rng.randrange(8)
            kind = rng.choice(KINDS)
            if rng.random() < 0.08:  # a mistake, filled in, then the right box ticked
                wrong = (code + rng.randint(1, 7)) % 8
                _mark(image, *centre(L.RESULT_X[wrong]), px_mm, "fill", rng)
            _mark(image, *centre(L.RESULT_X[code]), px_mm, kind, rng)
            several = rng.random() < several_rate
            if several:
                _mark(image, *centre(L.RESULT_X[(code + 3) % 8]), px_mm, kind, rng)
            support = None
            if code == 1 and rng.random() < 0.7:
                support = rng.randint(1, 5)
                _mark(image, *centre(L.SUPPORT_X[support - 1]), px_mm, rng.choice(KINDS), rng)
            follow = rng.random() < 0.2
            if follow:
                _mark(image, *centre(L.FOLLOW_X), px_mm, rng.choice(KINDS), rng)
            truths.append(Truth(int(household), index, RESULT_CODES[code], support, follow, several))
    return truths


def scan(image: np.ndarray, dpi: int, rng: random.Random, source_dpi: int = 300) -> np.ndarray:
    """A flatbed scan at `dpi`: resampled, a slight skew, sensor noise."""
    out = image
    if dpi != source_dpi:
        out = cv2.resize(image, None, fx=dpi / source_dpi, fy=dpi / source_dpi, interpolation=cv2.INTER_AREA)
    h, w = out.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), rng.uniform(-1.5, 1.5), 1.0)
    out = cv2.warpAffine(out, matrix, (w, h), borderValue=255)
    noise = np.random.default_rng(rng.randrange(1 << 30)).normal(0, 4, out.shape)
    return np.clip(out.astype(np.float32) * 0.97 + 4 + noise, 0, 255).astype(np.uint8)


def photo(image: np.ndarray, rng: random.Random) -> np.ndarray:
    """A phone photo: the page on a table, rotated up to 10 degrees, seen in perspective up to 15 degrees,
    a little out of focus, lit unevenly with a shadow across, saved as JPEG quality 60."""
    h, w = image.shape
    # Page on a darker table, framed with a margin.
    pad = int(0.08 * w)
    canvas = np.full((h + 2 * pad, w + 2 * pad), 90, np.uint8)
    canvas[pad : pad + h, pad : pad + w] = image
    ch, cw = canvas.shape
    angle = np.radians(rng.uniform(-10, 10))
    tilt = np.radians(rng.uniform(0, 15))
    # Perspective: the far edge shrinks as a plane tilted by `tilt` would, seen from about 1.5 page heights.
    shrink = 1 - np.sin(tilt) * 0.5
    corners = np.float32([[0, 0], [cw, 0], [cw, ch], [0, ch]])
    squeeze = (1 - shrink) * cw / 2
    target = np.float32([[squeeze, 0], [cw - squeeze, 0], [cw, ch], [0, ch]])
    if rng.random() < 0.5:
        target = np.float32([[0, 0], [cw, 0], [cw - squeeze, ch], [squeeze, ch]])
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    centre = np.array([cw / 2, ch / 2])
    target = ((target - centre) @ rotation.T + centre).astype(np.float32)
    target -= target.min(axis=0)
    size = tuple(int(v) + 1 for v in target.max(axis=0))
    out = cv2.warpPerspective(canvas, cv2.getPerspectiveTransform(corners, target), size, borderValue=60)
    # A phone of about 12 MP for the page: scale to about 3000 px high.
    scale = 3000 / out.shape[0]
    out = cv2.resize(out, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.6, 1.4))
    oh, ow = out.shape
    yy, xx = np.mgrid[0:oh, 0:ow].astype(np.float32)
    light = 0.75 + 0.25 * (xx / ow if rng.random() < 0.5 else yy / oh)
    shadow = np.ones_like(light)
    edge = rng.uniform(0.2, 0.8) * ow
    shadow[xx + 0.3 * yy < edge] = rng.uniform(0.6, 0.75)
    shadow = cv2.GaussianBlur(shadow, (0, 0), 25)
    out = np.clip(out.astype(np.float32) * light * shadow, 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, 60])
    return cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE)


def encode_png(image: np.ndarray) -> bytes:
    """PNG bytes of a grey image."""
    ok, data = cv2.imencode(".png", image)
    return data.tobytes()


def encode_jpeg(image: np.ndarray, quality: int = 60) -> bytes:
    """JPEG bytes of a grey image."""
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return data.tobytes()


def score(reads, truths: list[Truth]) -> dict:
    """Boxes right, doors attributed to a wrong door, doubtful rows, rows wrong though confident."""
    by_row = {(t.household_id, t.row): t for t in truths}
    boxes = right = doubtful = confident_wrong = wrong_door = 0
    for door in reads:
        for index, row in enumerate(door.rows):
            truth = by_row.get((door.household_id, index))
            if truth is None:
                wrong_door += 1
                continue
            boxes += 14
            expected = [False] * 14
            if truth.result:
                expected[RESULT_CODES.index(truth.result)] = True
            if truth.support:
                expected[8 + truth.support - 1] = True
            expected[13] = truth.follow_up
            got = [False] * 14
            if row.result:
                got[RESULT_CODES.index(row.result)] = True
            if row.support:
                got[8 + row.support - 1] = True
            got[13] = row.follow_up
            if row.doubtful:
                doubtful += 1  # flagged for the organizer, not guessed: counted as not read
                continue
            right += sum(a == b for a, b in zip(expected, got, strict=True))
            confident_wrong += expected != got
    rows = sum(len(door.rows) for door in reads)
    return {
        "boxes": boxes,
        "right": right,
        "doubtful_rows": doubtful,
        "rows": rows,
        "confident_wrong_rows": confident_wrong,
        "wrong_doors": wrong_door,
    }


__all__ = ["Truth", "rasterise", "fill_page", "scan", "photo", "score", "encode_png", "encode_jpeg", "io"]


def mismatches(reads, truths: list[Truth]) -> list:
    """Rows read with confidence but differently from the truth: (door, row, truth, read, scores)."""
    by_row = {(t.household_id, t.row): t for t in truths}
    out = []
    for door in reads:
        for index, row in enumerate(door.rows):
            truth = by_row.get((door.household_id, index))
            if (
                truth
                and not row.doubtful
                and (truth.result, truth.support, truth.follow_up)
                != (
                    row.result,
                    row.support,
                    row.follow_up,
                )
            ):
                out.append((door.household_id, index, truth, (row.result, row.support, row.follow_up), row.scores))
    return out
