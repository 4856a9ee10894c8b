"""The printed walk sheet, read back from the PDF."""

import io
import re

from pypdf import PdfReader

from organizer.extensions import db
from organizer.residents.models import Household
from organizer.turfs import services, walksheet
from organizer.turfs.services import TurfRule
from tests.turfs.conftest import add_resident, load_ban_addresses


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def make_sheet_turf():
    first = sorted(load_ban_addresses({"rue du vieux mont"}), key=lambda a: (a.number, a.id))
    odd = [a for a in first if a.number % 2]
    even = [a for a in first if a.number % 2 == 0]
    add_resident(odd[0], "Hélène", "Zeller")
    add_resident(odd[1], "Mallory", '<img src="file:///etc/passwd">')
    gone = add_resident(even[0], "Paul", "Secret", do_not_contact=True)
    household = db.session.get(Household, gone.household_id)
    add_resident(even[0], "Anne", "Visible", household=household)
    add_resident(even[0], "Marc", "Caché", do_not_contact=True, household=household)
    add_resident(even[1], "Nina", "Quietude", do_not_contact=True)
    turf = services.create_turf("Vieux mont", TurfRule(streets=["rue du vieux mont"]), script="Bonjour, nous sommes…")
    db.session.commit()
    return turf, odd, even


def test_sheet_order_residents_and_do_not_knock(app):
    with app.app_context(), app.test_request_context():
        turf, odd, even = make_sheet_turf()
        sheet = walksheet.build_sheet(turf, lang="en")
        text = pdf_text(sheet.pdf)
    assert sheet.doors == len(odd) + len(even) and sheet.pages >= 1
    assert "Zeller" in text and "Anne Visible" in text
    assert '<img src="file:///etc/passwd">' in text  # printed as text, not loaded
    for hidden in ("Secret", "Caché", "Quietude"):
        assert hidden not in text
    assert text.count("DO NOT KNOCK") == 1
    # Odd side going up then even side coming down, as the blocks run.
    heads = [re.match(r"^\d+\) (\d+)((?: [a-z]+)?) rue du vieux mont +#", line) for line in text.splitlines()]
    numbers = [int(m.group(1)) for m in heads if m]
    suffixes = [m.group(1) + m.group(2) for m in heads if m]
    assert suffixes[:2] == ["1", "1 bis"]
    assert numbers == [a.number for a in odd] + [a.number for a in even][::-1]
    assert numbers == sorted(n for n in numbers if n % 2) + sorted((n for n in numbers if n % 2 == 0), reverse=True)
    assert "Bonjour, nous sommes" in text and "Page 1 of" in text and "destroy this sheet after" in text
    flat = " ".join(text.split())  # the header's lines wrap beside the route map
    assert "Result codes" in flat and "1 Not home" in flat and "8 Do not contact" in flat


def test_french_letter_and_support_switch(app):
    app.config["SUPPORT_LEVELS_ENABLED"] = False
    with app.app_context(), app.test_request_context():
        turf, _odd, _even = make_sheet_turf()
        sheet = walksheet.build_sheet(turf, lang="fr", paper="letter")
        reader = PdfReader(io.BytesIO(sheet.pdf))
        text = pdf_text(sheet.pdf)
        a4 = PdfReader(io.BytesIO(walksheet.build_sheet(turf, lang="fr").pdf)).pages[0].mediabox
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (612, 792)  # Letter, in points
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)  # A4
    assert "Feuille de porte-à-porte" in text and "Page 1 sur" in text and "NE PAS FRAPPER" in text
    assert "Soutien" not in text


def test_pdf_loads_nothing_from_names(app, monkeypatch):
    fetched = []
    from organizer.printing import pdf as pdf_module

    original = pdf_module.StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(pdf_module.StaticOnlyFetcher, "fetch", spy)
    with app.app_context(), app.test_request_context():
        turf, _odd, _even = make_sheet_turf()
        walksheet.build_sheet(turf, lang="en")
    assert fetched and all(url.startswith(("data:", "http://organizer-assets.invalid/static/css/")) for url in fetched)
    assert not any("passwd" in url for url in fetched)


def test_short_door_ids_round_trip():
    for number in (1, 31, 32, 1000, 987654):
        assert services.parse_short_door_id(services.short_door_id(number)) == number
    assert services.parse_short_door_id("o1") == 1 and services.parse_short_door_id("U?") is None


def test_qr_codes_open_each_door_page(app):
    app.config["PUBLIC_URL"] = "https://organizer.example.org/"
    with app.app_context(), app.test_request_context():
        turf, _odd, _even = make_sheet_turf()
        context = walksheet.sheet_context(turf)
        door = context["doors"][0]
        url = f"https://organizer.example.org/turfs/door/{door.household.id}"
        assert context["qr"][door.household.id] == walksheet.qr_data_uri(url)
        assert context["qr"][door.household.id].startswith("data:image/png;base64,")
        adapter = app.url_map.bind("organizer.example.org")
        assert adapter.match(f"/turfs/door/{door.household.id}") == ("turfs.door", {"household_id": door.household.id})
        # Do-not-knock doors get no code.
        assert all(d.household.id not in context["qr"] for d in context["doors"] if d.do_not_knock)
