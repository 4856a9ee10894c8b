"""Imports that understand the file: columns guessed in French and English, one address column split,
the check page's preview of the first rows, and a re-import that creates nothing twice."""

import re
from pathlib import Path

from sqlalchemy import func, select

from organizer.extensions import db
from organizer.residents import services
from organizer.residents.importing import guess_mapping, read_table, run_import
from organizer.residents.models import Address, Resident
from tests.residents.test_import import _job_id, _upload

DATA = Path(__file__).parent.parent / "data"
FRENCH = DATA / "fr-amicale-locataires-mont-bonvillers.csv"
AMERICAN = DATA / "na-tenants-union-chicago.csv"
BAN = DATA / "fr-ban-legacy-54084-mont-bonvillers.csv"


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _known_people(app, runner):
    """The commune's doors from the BAN, Hélène André typed by hand, Jean-Luc Thiry known at another door."""
    assert runner.invoke(args=["residents", "import", str(BAN)]).exit_code == 0
    with app.app_context():
        helene = services.create_resident(
            {"first_name": "Hélène", "last_name": "André", "phone": "06 99 66 01 29", "data_source": "À la main"},
            address={"number": "21", "street": "rue Maréchal Joffre"},
        )
        thiry = services.create_resident(
            {"first_name": "J.-L.", "last_name": "Thiry", "phone": "+33645678902", "data_source": "Réunion"},
            address={"number": "18", "street": "rue Nationale"},
        )
        db.session.commit()
        return helene.id, thiry.id


def test_french_sheet_columns_are_guessed():
    table = read_table(FRENCH.read_bytes(), FRENCH.name)
    assert guess_mapping(table.header) == {
        "first_name": "Prénom",
        "last_name": "NOM",
        "address": "Adresse",
        "building": "Bât.",
        "staircase": "Escalier",
        "floor": "Étage",
        "door": "Porte",
        "access_notes": "Digicode",
        "postcode": "Code postal",
        "city": "Commune",
        "phone": "Tél. portable",
        "email": "Courriel",
        "note": "Remarques",
    }


def test_french_sheet_is_split_matched_and_reimported_without_duplicates(app, runner):
    helene_id, _thiry = _known_people(app, runner)
    data = FRENCH.read_bytes()
    with app.app_context():
        addresses_before = _count(Address)
        mapping = guess_mapping(read_table(data, FRENCH.name).header)
        report = run_import(data, FRENCH.name, fmt="generic", mapping=mapping, source="Amicale 2026")
        db.session.commit()
        assert report.rejected == 0, report.errors
        # Hélène André is the hand-typed Hélène André at the BAN's door: nothing new for her.
        assert _count(Resident) == 2 + 6
        helene = db.session.get(Resident, helene_id)
        assert helene.phone == "+33699660129"
        # "21 rue" and "14 r. Maréchal Joffre", "5 allée des Acacias" are BAN doors; Karim's floor, Sylvie's
        # and Fatou's flats are new doors in known buildings; rue des Fronts without a number is a new place.
        assert _count(Address) == addresses_before + 4
        flat = db.session.scalar(
            select(Address).where(
                Address.street_key == "allee des acacias", Address.number == 18, Address.building == "C"
            )
        )
        assert (flat.staircase, flat.floor, flat.door, flat.access_notes) == ("1", "0", "gauche", "A1234")
        sylvie = db.session.scalar(
            select(Address).where(Address.street_key == "rue nationale", Address.number == 32, Address.door == "12")
        )
        assert (sylvie.building, sylvie.staircase, sylvie.floor, sylvie.access_notes) == ("A", "2", "3e", "4590B")
        karim = db.session.scalar(select(Resident).where(Resident.last_name == "Benali"))
        assert karim.phone == "+33711223344"
        # The same file again, after a fix or by mistake: nothing twice.
        again = run_import(data, FRENCH.name, fmt="generic", mapping=mapping, source="Amicale 2026")
        db.session.commit()
        assert again.created == {"addresses": 0, "households": 0, "residents": 0}
        assert _count(Resident) == 8


def test_check_page_shows_the_first_rows_as_stored_and_what_matched(app, client, runner, people):
    _known_people(app, runner)
    client.login(people["organizer"])
    response = _upload(client, FRENCH.read_bytes(), FRENCH.name)
    assert response.status_code == 302 and "/map" in response.location
    mapping_page = client.get(response.location).get_data(as_text=True)
    for field, column in (("staircase", "Escalier"), ("floor", "Étage"), ("door", "Porte"), ("address", "Adresse")):
        assert re.search(rf'name="map_{field}">.*?<option value="{column}" selected>', mapping_page, re.S), field
    form = {f"map_{field}": column for field, column in guess_mapping(read_table(FRENCH.read_bytes()).header).items()}
    check = _job_id(client.post_form(response.location, form))
    page = client.get(f"/jobs/{check}").get_data(as_text=True)
    assert 'data-testid="import-preview"' in page
    rows = re.findall(r"<tr>\s*<td>(\d+)</td><td>(.*?)</td>.*?</tr>", page, re.S)
    assert [row[0] for row in rows] == ["2", "3", "4", "5", "6", "7", "8"]
    addresses = dict(rows)
    assert addresses["2"] == "21 rue Maréchal Joffre — 54111 Mont-Bonvillers"
    assert addresses["3"] == "35 bis rue Nationale, 2 — 54111 Mont-Bonvillers"
    assert addresses["6"] == "18 Allée des acacias, C, 1, 0, gauche — 54111 Mont-Bonvillers"
    first = page[page.index("<td>2</td>") : page.index("<td>3</td>")]
    assert "known door" in first and "already known" in first and "06 99 66 01 29" in first
    thiry = page[page.index("<td>5</td>") : page.index("<td>6</td>")]
    assert "new" in thiry and "looks like someone known (same phone)" in thiry
    assert 'data-testid="possible-duplicates">1<' in page
    with app.app_context():
        assert _count(Resident) == 3 + 2  # the check wrote nothing


def test_north_american_list(app):
    app.config["COUNTRY"] = "US"
    data = AMERICAN.read_bytes()
    with app.app_context():
        mapping = guess_mapping(read_table(data, AMERICAN.name).header)
        assert mapping == {
            "first_name": "First Name",
            "last_name": "Last Name",
            "address": "Address",
            "door": "Apt",
            "city": "City",
            "postcode": "ZIP",
            "phone": "Mobile Phone",
            "email": "Email",
            "access_notes": "Door code",
        }
        report = run_import(data, AMERICAN.name, fmt="generic", mapping=mapping, source="Union sign-up")
        db.session.commit()
        assert report.rejected == 0, report.errors
        rows = db.session.execute(
            select(
                Resident.last_name,
                Resident.phone,
                Address.number,
                Address.suffix,
                Address.street,
                Address.door,
                Address.city,
                Address.postcode,
            )
            .join(Resident.household)
            .join(Address)
            .order_by(Resident.last_name)
        ).all()
        assert [tuple(row) for row in rows] == [
            ("Gonzalez", "+17735550142", 1420, None, "W Lawrence Ave", "3B", "Chicago", "60640"),
            ("Kowalski", "+13125550123", 5036, None, "N Winthrop Ave", "2", "Chicago", "60640"),
            ("Okafor", "+17735550177", 4800, None, "N Sheridan Rd", "1207", "Chicago", "60640"),
            ("Silva", None, 221, "b", "N Broadway", None, "Chicago", "60640"),
            ("Tran", "+17735550199", 1420, None, "W Lawrence Ave", "3B", "Chicago", "60640"),
        ]
        # Two people behind one door: one address, one household.
        assert report.created["addresses"] == 4 and report.created["households"] == 4
