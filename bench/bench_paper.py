"""Reading filled walk sheets: boxes read right and doors attributed, over more than 1,000 doors each for
150 and 300 dpi scans and phone-like photos (tests/paper/generator.py makes them from a real printed
sheet); time to read a 10-page scan."""

import os
import random
import sys
import tempfile
import time
from pathlib import Path

DOORS = int(os.environ.get("BENCH_PAPER_DOORS", 1000))


def run(report) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.bench_walksheet import _app, _populate
    from organizer.paper import reader, services
    from organizer.turfs import services as turfs
    from organizer.turfs import walksheet
    from tests.paper import generator as g

    folder = tempfile.mkdtemp(prefix="bench-paper-")
    app = _app(f"sqlite:///{os.path.join(folder, 'paper.sqlite3')}")
    _populate(app, 1, DOORS)
    with app.app_context(), app.test_request_context():
        sheet = walksheet.build_sheet(turfs.find_turf("Secteur 0"))
        walksheet.remember_prints(sheet.prints)
        layout, token = sheet.prints[0].layout, sheet.prints[0].token
    pages = g.rasterise(sheet.pdf, 300)
    rng = random.Random(2026)
    filled, truths = [], []
    for number, page in enumerate(pages, start=1):
        image = page.copy()
        truths.append(g.fill_page(image, layout, number, 300, rng))
        filled.append(image)
    del pages

    def lookup(wanted):
        return layout if wanted == token else None

    for mode in ("scan 150 dpi", "scan 300 dpi", "photo"):
        totals = {"boxes": 0, "right": 0, "doubtful_rows": 0, "rows": 0, "confident_wrong_rows": 0, "wrong_doors": 0}
        doors = missed = 0
        elapsed = 0.0
        for image, truth in zip(filled, truths, strict=True):
            dpi = 150 if "150" in mode else 300
            degraded = g.photo(image, rng) if mode == "photo" else g.scan(image, dpi, rng)
            started = time.perf_counter()
            try:
                reads = reader.read_image(degraded, mode, lookup)
            except reader.SheetProblem:
                reads = []
            elapsed += time.perf_counter() - started
            doors += len(reads)
            missed += len({t.household_id for t in truth}) - len(reads)
            for key, value in g.score(reads, truth).items():
                totals[key] += value
        expected_boxes = 14 * sum(len(t) for t in truths)
        report.add(
            f"paper {mode}: boxes read right, of {expected_boxes} ({doors} doors read)",
            100 * totals["right"] / expected_boxes,
            unit="%",
            aim=">= 99.5" if "scan" in mode else ">= 98",
        )
        confident = 14 * (totals["rows"] - totals["doubtful_rows"])
        report.add(
            f"paper {mode}: boxes right among rows read with confidence, of {confident}",
            100 * totals["right"] / max(1, confident),
            unit="%",
        )
        report.add(f"paper {mode}: doors attributed to a wrong door", totals["wrong_doors"], unit="doors", aim="0")
        report.add(f"paper {mode}: rows flagged doubtful, of {totals['rows']}", totals["doubtful_rows"], unit="rows")
        report.add(f"paper {mode}: rows wrong though not flagged", totals["confident_wrong_rows"], unit="rows")
        report.add(f"paper {mode}: door blocks not found", missed, unit="doors")
        report.add(f"paper {mode}: seconds to read a page", elapsed / len(filled), unit="s")

    # A 10-page scan as one PDF, read as the job reads it.
    from PIL import Image

    scans = [Image.fromarray(g.scan(image, 200, rng)) for image in filled[:10]]
    pdf_path = os.path.join(folder, "scan.pdf")
    scans[0].save(pdf_path, save_all=True, append_images=scans[1:], resolution=200)
    with app.app_context():
        started = time.perf_counter()
        outcome = services.read_files([("scan.pdf", Path(pdf_path).read_bytes())])
        elapsed = time.perf_counter() - started
    report.add(f"paper: read a {len(scans)}-page PDF scan ({len(outcome.doors)} doors)", elapsed, aim="")
