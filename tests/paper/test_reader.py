"""Filled walk sheets read back: generated scans and photos of a real printed sheet, the command line
(read, --json, --apply once only), refusals, and clear messages for bad pictures."""

import json
import random
from pathlib import Path

import cv2
import numpy as np
import pytest
import segno
from sqlalchemy import func, select

from organizer.conversations.models import DoorKnock
from organizer.extensions import db
from organizer.paper import reader, services
from organizer.residents.models import Address, Household, Resident
from organizer.turfs import walksheet
from tests.paper import generator as g
from tests.turfs.test_walksheet import make_sheet_turf

SAMPLES = Path(__file__).parent / "samples"


def printed_sheet(app, fill_seed=7):
    """A real printed sheet of the "Vieux mont" turf (22 doors, residents, a do-not-knock door), kept as a
    print, rasterised at 300 dpi and filled in at random."""
    with app.app_context(), app.test_request_context():
        turf, _odd, _even = make_sheet_turf()
        for index, household_door in enumerate(walksheet.services.turf_doors(turf)[:6]):
            if household_door.residents:
                continue
            from tests.turfs.conftest import add_resident

            add_resident(household_door.address, "Karim", f"Haddad{index}")
        db.session.commit()
        sheet = walksheet.build_sheet(turf, lang="fr")
        walksheet.remember_prints(sheet.prints)
        layout = sheet.prints[0].layout
    page = g.rasterise(sheet.pdf, 300)[0]
    truths = g.fill_page(page, layout, 1, 300, random.Random(fill_seed))
    return page, truths, layout


def assert_read_well(reads, truths):
    """No door attributed wrongly; boxes read right at 98% at least (bench: over 1,000 doors); few doubts."""
    result = g.score(reads, truths)
    assert result["wrong_doors"] == 0, result
    assert result["right"] >= 0.98 * 14 * len(truths), (result, g.mismatches(reads, truths))
    assert result["rows"] >= len(truths) - 2 and result["doubtful_rows"] <= 3, result


def test_scans_and_photos_of_a_filled_sheet(app, tmp_path):
    page, truths, _layout = printed_sheet(app)
    rng = random.Random(11)
    files = {
        "scan-150.png": g.encode_png(g.scan(page, 150, rng)),
        "scan-300.png": g.encode_png(g.scan(page, 300, rng)),
        "photo.jpg": g.encode_jpeg(g.photo(page, rng), 60),
    }
    with app.app_context():
        for name, data in files.items():
            outcome = services.read_files([(name, data)])
            assert outcome.problems == [], (name, outcome.messages())
            assert_read_well(outcome.doors, truths)


def test_committed_sample_photo_is_read_without_a_database():
    """A phone-like photo committed with its print's layout and what was ticked (see samples/README)."""
    sample = json.loads((SAMPLES / "sample.json").read_text())
    gray = cv2.imread(str(SAMPLES / "photo.jpg"), cv2.IMREAD_GRAYSCALE)
    reads = reader.read_image(gray, "photo.jpg", lambda token: sample["layout"] if token == sample["token"] else None)
    truths = [g.Truth(**t) for t in sample["truths"]]
    result = g.score(reads, truths)
    # A hard photo (strong tilt and shadow): what is not sure is flagged, nothing is guessed wrong.
    assert result["wrong_doors"] == 0 and result["confident_wrong_rows"] == 0, (result, g.mismatches(reads, truths))
    assert result["rows"] >= 0.9 * len(truths) and result["doubtful_rows"] <= 0.1 * len(truths), result


def test_command_reads_then_applies_once(app, runner, tmp_path):
    page, truths, _layout = printed_sheet(app)
    path = tmp_path / "scan.png"
    path.write_bytes(g.encode_png(g.scan(page, 300, random.Random(5))))
    result = runner.invoke(args=["paper", "read", str(path), "--json"])
    assert result.exit_code == 0, result.output
    doors = json.loads(result.stdout)
    assert {"door", "result", "support", "follow_up", "confidence"} <= set(doors[0])
    with app.app_context():
        assert db.session.scalar(select(func.count(DoorKnock.id))) == 0  # reading saves nothing
    expected = sum(1 for t in truths if t.result and not t.several)
    first = runner.invoke(args=["paper", "read", str(path), "--apply"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        knocks = db.session.scalar(select(func.count(DoorKnock.id)).where(DoorKnock.entered_via == "photo"))
    assert expected - 2 <= knocks <= expected
    again = runner.invoke(args=["paper", "read", str(path), "--apply", "--json"])
    assert again.exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(DoorKnock.id))) == knocks  # one knock per door row per print
    refused = [row["refused"] for door in json.loads(again.stdout) for row in door["rows"] if row["refused"]]
    assert refused and set(refused) == {"Already saved from this sheet."}


def test_objection_and_turf_change_since_printing_are_refused(app):
    page, truths, _layout = printed_sheet(app)
    data = g.encode_png(g.scan(page, 300, random.Random(3)))
    with app.app_context():
        outcome = services.read_files([("scan.png", data)])
        decisions, _doubtful = services.confident_decisions(outcome.doors)
        with_person = next(d for d in decisions if d.resident_id)
        db.session.get(Resident, with_person.resident_id).do_not_contact = True
        other = next(d for d in decisions if d.household_id != with_person.household_id)
        household = db.session.get(Household, other.household_id)
        db.session.get(Address, household.address_id).turf_id = None
        db.session.commit()
        saved, refused = services.save(decisions, None, walksheet.services.local_today())
        reasons = {(d.household_id, reason) for d, reason in refused}
    assert (with_person.household_id, "objected") in reasons
    assert (other.household_id, "turf_changed") in reasons
    assert saved == len(decisions) - len(refused)


def test_clear_messages_for_pictures_that_cannot_be_read(app, tmp_path):
    rng = np.random.default_rng(1)
    noise = rng.integers(0, 255, (1200, 900), dtype=np.uint8)
    dark = np.full((1200, 900), 12, np.uint8)
    page, _truths, _layout = printed_sheet(app)
    blurred = cv2.GaussianBlur(g.scan(page, 150, random.Random(1)), (0, 0), 9)
    other = segno.make_qr("https://elsewhere.example.net/turfs/door/12?p=AbCdEfGh", error="m")
    other_path = tmp_path / "other.png"
    other.save(str(other_path), scale=8, border=4)
    files = [
        ("noise.png", g.encode_png(noise)),
        ("dark.jpg", g.encode_jpeg(dark)),
        ("blurred.png", g.encode_png(blurred)),
        ("other.png", other_path.read_bytes()),
        ("notes.txt", b"not an image"),
    ]
    with app.app_context(), app.test_request_context():
        messages = services.read_files(files).messages()
    assert messages == [
        "notes.txt: not a JPEG, PNG or PDF file that can be opened.",
        "noise.png: no walk sheet code found on this image.",
        "dark.jpg: the picture is too dark; take it again in better light.",
        "blurred.png: the picture is too blurred; hold the phone still and take it again.",
        "other.png: this sheet was not printed here (another organization's, or unknown).",
    ]


@pytest.mark.parametrize("pages_given", [1])
def test_a_missing_page_is_named(app, pages_given):
    from tests.turfs.test_walksheet_compact import make_mixed_turf

    with app.app_context(), app.test_request_context():
        turf, _names = make_mixed_turf()
        sheet = walksheet.build_sheet(turf, lang="en")
        walksheet.remember_prints(sheet.prints)
        first = g.rasterise(sheet.pdf, 200)[:pages_given]
        outcome = services.read_files([("p1.png", g.encode_png(first[0]))])
        messages = outcome.messages()
    assert outcome.doors and all(door.page == 1 for door in outcome.doors)
    assert sheet.pages >= 3
    assert [m for m in messages if m.startswith("Page ")] == [
        f"Page {n} of the sheet of Mixte is missing: {m} doors not read."
        for n, m in _doors_per_page(sheet.prints[0].layout).items()
        if n > 1
    ]


def _doors_per_page(layout):
    counts = {}
    for page, *_rest in layout["doors"].values():
        counts[page] = counts.get(page, 0) + 1
    return dict(sorted(counts.items()))
