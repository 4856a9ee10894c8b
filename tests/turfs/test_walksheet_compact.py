"""The compact walk sheet: a mixed turf read back from the PDF text, its QR codes decoded from a rasterised
page, the parts rendered in parallel and joined, French typography, the roomy layout kept."""

import io
import json
import re
import subprocess

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from organizer.extensions import db
from organizer.residents.models import Address, Household
from organizer.residents.normalize import street_key
from organizer.turfs import services, walksheet
from organizer.turfs.models import SheetPrint, Turf
from organizer.turfs.services import TurfRule
from tests.turfs.conftest import add_resident, load_ban_addresses
from tests.turfs.test_walksheet import make_sheet_turf

STREETS = {"allee des acacias", "rue nationale"}


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def make_mixed_turf():
    """Two real streets (108 houses), a block of flats (2 staircases x 3 floors x 2 doors), an address
    without a number; households of 0, 1 and 3 people, do-not-contact people and a do-not-knock door."""
    addresses = sorted(load_ban_addresses(STREETS), key=lambda a: (a.street_key, a.number, a.id))
    flats = []
    for staircase in ("1", "2"):
        for floor in ("RDC", "1", "2"):
            for door in ("G", "D"):
                flats.append(
                    Address(
                        number=200,
                        street="Rue Nationale",
                        street_key="rue nationale",
                        building="A",
                        staircase=staircase,
                        floor=floor,
                        door=door,
                    )
                )
    nowhere = Address(number=None, street="Rue Nationale", street_key=street_key("Rue Nationale"), city="Fillières")
    db.session.add_all([*flats, nowhere])
    db.session.flush()
    names = []
    for index, address in enumerate(addresses + flats):
        if index % 3 == 0:
            names.append(add_resident(address, "Hélène", f"Martin{index}").display_name)
        elif index % 7 == 1:
            first = add_resident(address, "Omar", f"Benali{index}")
            household = db.session.get(Household, first.household_id)
            names.append(first.display_name)
            names.append(add_resident(address, "Léa", f"Rousseau{index}", household=household).display_name)
            names.append(
                add_resident(address, "Jean-Baptiste", f"Dupont-Aignan{index}", household=household).display_name
            )
    hidden = add_resident(addresses[5], "Paul", "Secretnom")
    household = db.session.get(Household, hidden.household_id)
    hidden.do_not_contact = True
    names.append(add_resident(addresses[5], "Anne", "Visiblenom", household=household).display_name)
    add_resident(addresses[8], "Nina", "Quietudenom", do_not_contact=True)
    names.append(add_resident(nowhere, "Yves", "Sansnumero").display_name)
    turf = services.create_turf("Mixte", TurfRule(streets=sorted(STREETS)))
    db.session.commit()
    return turf, names


def test_mixed_turf_text_every_door_every_name_legend_on_every_page(app):
    with app.app_context(), app.test_request_context():
        turf, names = make_mixed_turf()
        sheet = walksheet.build_sheet(turf, lang="en", paper="a4")
        doors = services.turf_doors(turf)
        texts = page_texts(sheet.pdf)
    assert sheet.doors == len(doors) >= 108 + 12 + 1
    # Compact: at least 20 doors a page on this mixed turf, every page full but the last.
    assert len(texts) == sheet.pages and sheet.doors / sheet.pages >= 20
    whole = "\n".join(texts)
    flat = whole.replace("\n", " ")
    for number, text in enumerate(texts, start=1):
        assert "Result codes:" in text and "1 Not home" in text and "8 Do not contact" in text
        assert "Support: 1 strongly against" in text and "destroy this sheet after" in text
        assert f"Page {number} of {sheet.pages}" in text
    for door in doors:
        a = door.address
        number = "no number" if a.number is None else services.address_line(a).split(" ")[0]
        head = re.search(rf"^{door.seq}\) (.+?)   #{door.short_id}$", whole, re.M)
        assert head, door.seq
        assert head.group(1).startswith(f"{number} {a.street}" if a.number is None else services.address_line(a))
    for name in names:
        assert name in flat, name
    for hidden in ("Secretnom", "Quietudenom"):
        assert hidden not in whole
    assert whole.count("DO NOT KNOCK") == 1
    assert "200 Rue Nationale · bldg. A · stair 1 · floor RDC" in whole  # a block of flats has headings
    assert "No one known" in whole


def test_every_qr_code_decodes_to_its_door(app, tmp_path):
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    app.config["PUBLIC_URL"] = "https://organizer.example.org"
    with app.app_context(), app.test_request_context():
        turf, _names = make_mixed_turf()
        sheet = walksheet.build_sheet(turf, lang="fr")
        walksheet.remember_prints(sheet.prints)
        record = db.session.scalar(select(SheetPrint).where(SheetPrint.turf_id == turf.id))
        token, layout = record.token, record.layout
    (tmp_path / "sheet.pdf").write_bytes(sheet.pdf)
    args = ["pdftoppm", "-r", "200", "-gray", "-png", "-f", "2", "-l", "2", "-singlefile"]
    subprocess.run([*args, str(tmp_path / "sheet.pdf"), str(tmp_path / "page")], check=True)
    # QR codes only, as the reader asks: a row of boxes may pass for a 1D barcode to a search of every format.
    image = Image.open(tmp_path / "page.png")
    found = {code.text for code in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)}
    on_page = {
        f"https://organizer.example.org/turfs/door/{door}?p={token}"
        for door, (page, *_rest) in layout["doors"].items()
        if page == 2
    }
    assert len(on_page) >= 20 and found == on_page


def test_big_sheet_renders_in_parallel_parts_joined_with_page_numbers(app, monkeypatch):
    monkeypatch.setattr(walksheet, "PART_PAGES", 2)
    with app.app_context(), app.test_request_context():
        turf, _names = make_mixed_turf()
        context = walksheet.sheet_context(turf)
        parts = walksheet.part_htmls([context])
        sheet = walksheet.build_sheet(turf, lang="en")
    texts = page_texts(sheet.pdf)
    assert len(parts) == -(-len(context["pages"]) // 2) >= 3
    assert len(texts) == sheet.pages == len(context["pages"])
    assert texts[0].startswith("Organizer\nWalk sheet · Mixte") and "Canvasser:" not in texts[1]
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {sheet.pages}" in text
    # Every door exactly once across the parts.
    seqs = sorted(int(m) for m in re.findall(r"^(\d+)\) ", "\n".join(texts), re.M))
    assert seqs == list(range(1, sheet.doors + 1))


def test_french_typography_numberless_address_and_dates_in_words(app):
    with app.app_context(), app.test_request_context():
        turf, _names = make_mixed_turf()
        text = "\n".join(page_texts(walksheet.build_sheet(turf, lang="fr").pdf))
    assert "Codes de résultat\u202f:" in text and "Soutien\u202f:" in text
    assert "Données personnelles\u202f: détruire cette feuille après le" in text
    assert re.search(r"^\d+\) s/n Rue Nationale, Fillières", text, re.M)
    assert "Aucun habitant connu" in text
    assert not re.search(r"\d\d:\d\d:\d\d|\d{4}-\d\d-\d\d", text)  # no seconds, no ISO dates


def test_roomy_layout_kept_on_the_page_and_the_command(app, client, admin, runner, tmp_path):
    with app.app_context():
        turf, _odd, _even = make_sheet_turf()
        turf_id = turf.id
    client.login(admin[1])
    compact = client.get(f"/turfs/{turf_id}/walk-sheet.pdf?lang=en")
    roomy = client.get(f"/turfs/{turf_id}/walk-sheet.pdf?lang=en&layout=roomy")
    assert compact.status_code == roomy.status_code == 200
    compact_pages, roomy_pages = (
        len(PdfReader(io.BytesIO(compact.data)).pages),
        len(PdfReader(io.BytesIO(roomy.data)).pages),
    )
    assert roomy_pages >= 2 * compact_pages
    assert "Roomy" in client.get(f"/turfs/{turf_id}").get_data(as_text=True)
    with app.app_context():
        prints = db.session.scalars(select(SheetPrint).where(SheetPrint.turf_id == turf_id)).all()
        # Each print is remembered with its token; the compact one knows where every door went.
        assert len(prints) == 2 and len({p.token for p in prints}) == 2
        compact_print = next(p for p in prints if "doors" in p.layout)
        doors = services.turf_doors(db.session.get(Turf, turf_id))
        assert set(compact_print.layout["doors"]) == {str(d.household.id) for d in doors if not d.do_not_knock}
    result = runner.invoke(args=["walk-sheet", "Vieux mont", "--out", str(tmp_path / "r.pdf"), "--roomy", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["pages"] == roomy_pages
