"""Imports: every format on real or realistic files, all-or-nothing, reports, limits, re-imports."""

import io
import json
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from organizer.audit.models import AuditEvent
from organizer.extensions import db
from organizer.residents.importing import FileProblem, detect_format, read_table, run_import
from organizer.residents.models import Address, Household, Resident, Tag
from tests.residents.conftest import ELECTORAL_HEADER, NATIONBUILDER, electoral_file, electoral_row

DATA = Path(__file__).resolve().parent.parent / "data"
BAN = DATA / "fr-ban-legacy-54084-mont-bonvillers.csv"
BAL = DATA / "fr-bal-54084-mont-bonvillers.csv"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def electoral_rows():
    return [
        electoral_row(1001, "MARTIN", "LEROY", "Jeanne Marie", "12/04/1961", "12 bis", "RUE", "JOFFRE"),
        electoral_row(1002, "BENALI", "BENALI", "Karim", "03/11/1990", "4", "ALL", "DES ACACIAS", bureau="2"),
        electoral_row(1003, "N'DIAYE", "", "Awa", "29/02/1988", "4", "ALL", "DES ACACIAS", bureau="2"),
    ]


def test_ban_legacy_file_creates_addresses_and_reimport_creates_nothing(app, runner):
    result = runner.invoke(args=["residents", "import", str(BAN), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["format"] == "ban" and summary["source"] == "BAN 54084"
    assert summary["created"]["residents"] == 0 and summary["created"]["addresses"] > 450
    with app.app_context():
        bis = db.session.scalar(select(Address).where(Address.suffix == "bis").limit(1))
        assert bis is not None and bis.insee_code == "54084" and bis.lat and 49 < bis.lat < 50
        assert db.session.scalar(select(func.count()).select_from(Address).where(Address.number >= 5000)) == 0
        before = count(Address)
    again = json.loads(runner.invoke(args=["residents", "import", str(BAN), "--json"]).output)
    assert again["created"] == {"addresses": 0, "households": 0, "residents": 0}
    assert again["unchanged"] == 501
    with app.app_context():
        assert count(Address) == before


def test_bal_file_matches_ban_addresses_by_normalised_street(app, runner):
    runner.invoke(args=["residents", "import", str(BAN)])
    summary = json.loads(runner.invoke(args=["residents", "import", str(BAL), "--dry-run", "--json"]).output)
    assert summary["format"] == "bal" and summary["written"] is False
    assert summary["updated"] + summary["unchanged"] > 350  # most BAL doors are the BAN's doors
    with app.app_context():
        assert not db.session.scalar(select(Address).where(Address.source_id.like("54084_%")).limit(1))


def test_openaddresses(app, runner, tmp_path):
    path = tmp_path / "oa.csv"
    path.write_text(
        "LON,LAT,NUMBER,STREET,UNIT,CITY,DISTRICT,REGION,POSTCODE,ID\n"
        "5.83,49.32,12B,Rue Joffre,,Mont-Bonvillers,Quartier Nord,Grand Est,54111,oa-1\n"
        '5.84,49.33,3,"Allée des Acacias",Apt 2,Mont-Bonvillers,Quartier Sud,Grand Est,54111,oa-2\n'
    )
    summary = json.loads(runner.invoke(args=["residents", "import", str(path), "--json"]).output)
    assert summary["format"] == "openaddresses" and summary["created"]["addresses"] == 2
    with app.app_context():
        joffre = db.session.scalar(select(Address).where(Address.street_key == "rue joffre"))
        assert (joffre.number, joffre.suffix, joffre.area) == (12, "b", "Quartier Nord")


def test_electoral_list_people_with_polling_station(app, runner, tmp_path):
    path = tmp_path / "liste.csv"
    path.write_text(electoral_file(electoral_rows()), encoding="utf-8")
    result = runner.invoke(args=["residents", "import", str(path), "--json"])
    summary = json.loads(result.output)
    assert result.exit_code == 0, result.output
    assert summary["format"] == "electoral-list"
    assert summary["created"] == {"addresses": 2, "households": 2, "residents": 3}
    with app.app_context():
        jeanne = db.session.scalar(select(Resident).where(Resident.source_id == "1001"))
        assert (
            jeanne.last_name == "LEROY"
            and jeanne.birth_name == "MARTIN"
            and jeanne.birth_date.isoformat() == "1961-04-12"
        )
        assert jeanne.data_source.startswith("Liste électorale Mont-Bonvillers")
        address = db.session.scalar(select(Address).join(Household).where(Household.id == jeanne.household_id))
        assert (address.number, address.suffix, address.street_key, address.area) == (
            12,
            "bis",
            "rue joffre",
            "1 – École Jules Ferry",
        )
        awa = db.session.scalar(select(Resident).where(Resident.source_id == "1003"))
        assert awa.last_name == "N'DIAYE"
    again = json.loads(runner.invoke(args=["residents", "import", str(path), "--json"]).output)
    assert again["created"] == {"addresses": 0, "households": 0, "residents": 0} and again["unchanged"] == 3


def test_electoral_list_cp1252_and_bom_variants(app, runner, tmp_path):
    text = electoral_file(electoral_rows())
    cp = tmp_path / "cp1252.csv"
    cp.write_bytes(text.encode("cp1252"))
    summary = json.loads(runner.invoke(args=["residents", "import", str(cp), "--json"]).output)
    assert summary["created"]["residents"] == 3
    with app.app_context():
        assert db.session.scalar(
            select(Resident.area if hasattr(Resident, "area") else Address.area)
            .where(Address.area.like("%École%"))
            .limit(1)
        )
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    again = json.loads(runner.invoke(args=["residents", "import", str(bom), "--json"]).output)
    assert again["format"] == "electoral-list" and again["created"]["residents"] == 0


def test_nationbuilder_export(app, runner, tmp_path):
    path = tmp_path / "nationbuilder-export.csv"
    path.write_text(NATIONBUILDER, encoding="utf-8")
    result = runner.invoke(args=["residents", "import", str(path), "--json", "--source", "NationBuilder 2026"])
    summary = json.loads(result.output)
    assert result.exit_code == 0 and summary["created"]["residents"] == 3
    with app.app_context():
        helene = db.session.scalar(select(Resident).where(Resident.source_id == "101"))
        assert helene.phone == "+33612345678" and helene.data_source == "NationBuilder 2026"
        assert {t.name for t in db.session.scalars(select(Tag))} == {"locataire", "parent d'élève", "propriétaire"}
        francois = db.session.scalar(select(Resident).where(Resident.source_id == "102"))
        assert francois.do_not_contact is True
        chloe = db.session.scalar(select(Resident).where(Resident.source_id == "103"))
        assert chloe.last_name == 'Martin "la Grande"'
        address = db.session.scalar(select(Address).join(Household).where(Household.id == helene.household_id))
        assert (address.number, address.suffix, address.street) == (12, "bis", "rue Joffre")


def test_generic_file_with_mapping_tab_delimited_and_trailing_columns(app, runner, tmp_path):
    path = tmp_path / "city.tsv"
    path.write_text("CIVICNUMBER\tSTREETNAME\tWARD\t\t\n14\tboulevard Foch\tW3\t\t\n2-4\tBd Foch\tW3\t\t\n")
    result = runner.invoke(
        args=[
            "residents",
            "import",
            str(path),
            "--format",
            "generic",
            "--map",
            "number=CIVICNUMBER",
            "--map",
            "street=STREETNAME",
            "--map",
            "area=WARD",
            "--json",
            "--source",
            "Ville",
        ]
    )
    summary = json.loads(result.output)
    assert result.exit_code == 0, result.output
    assert summary["created"]["addresses"] == 2
    with app.app_context():
        assert {a.street_key for a in db.session.scalars(select(Address))} == {"boulevard foch"}


def test_generic_without_mapping_is_refused(runner, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n")
    result = runner.invoke(args=["residents", "import", str(path)])
    assert result.exit_code == 2 and "mapping" in result.output


def _bad_file(tmp_path) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text(
        NATIONBUILDER.replace("06 12 34 56 78", "12 34").replace("f.nguyen@example.org", "f.nguyen(at)example"),
        encoding="utf-8",
    )
    return path


def test_all_or_nothing_with_report_naming_row_and_column(app, runner, tmp_path):
    path = _bad_file(tmp_path)
    result = runner.invoke(args=["residents", "import", str(path), "--json"])
    assert result.exit_code == 1
    summary = json.loads(result.output)
    assert summary["written"] is False and summary["rejected"] == 2
    errors = {(e["row"], e["column"]) for e in summary["errors"]}
    assert errors == {(2, "mobile_number"), (3, "email")}
    with app.app_context():
        assert count(Resident) == 0 and count(Address) == 0
    text = runner.invoke(args=["residents", "import", str(path)]).output
    assert "row 2, column mobile_number" in text


def test_skip_invalid_writes_rejects_csv(app, runner, tmp_path):
    path = _bad_file(tmp_path)
    result = runner.invoke(args=["residents", "import", str(path), "--skip-invalid", "--json"])
    assert result.exit_code == 0
    summary = json.loads(result.output)
    assert summary["created"]["residents"] == 1 and summary["rejected"] == 2
    rejects = Path(summary["rejects_file"])
    assert rejects == path.with_name("bad.csv.rejects.csv")
    content = rejects.read_text(encoding="utf-8-sig")
    assert content.startswith("row;error;nationbuilder_id") and "mobile_number" in content and "103" not in content


def test_dry_run_writes_nothing(app, runner, tmp_path):
    path = tmp_path / "nb.csv"
    path.write_text(NATIONBUILDER)
    summary = json.loads(runner.invoke(args=["residents", "import", str(path), "--dry-run", "--json"]).output)
    assert summary["created"]["residents"] == 3 and summary["dry_run"] is True
    with app.app_context():
        assert count(Resident) == 0 and count(Tag) == 0 and count(Address) == 0


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "empty"),
        (b"   \n\n", "blank.csv", "empty"),
        (b"nationbuilder_id,first_name,last_name\n", "head.csv", "header but no rows"),
        (b"a,b\x00c\n1,2\n", "nul.csv", "NUL"),
        (b"%PDF-1.4 binary", "file.pdf", "Wrong file type"),
        (b"\xd0\xcf\x11\xe0old", "old.xls", "XLSX"),
        (("a;" * 3000 + "\n" + "1;" * 3000 + "\n").encode(), "wide.csv", "columns"),
        (b"PK\x03\x04garbage", "broken.xlsx", "cannot be opened"),
    ],
)
def test_file_limits_are_clear_errors(app, content, name, message):
    with app.app_context(), pytest.raises(FileProblem, match=message):
        read_table(content, name)


def test_semicolon_crlf_quotes_and_xlsx(app, tmp_path):
    from openpyxl import Workbook

    table = read_table(b'nom;"rue"\r\n"Dupont ""Jo""";"12, rue X"\r\n', "x.csv")
    assert table.header == ["nom", "rue"] and table.rows == [['Dupont "Jo"', "12, rue X"]] and table.delimiter == ";"
    workbook = Workbook()
    workbook.active.append(["NUMBER", "STREET", "LON", "LAT", "POSTCODE"])
    workbook.active.append([7, "Rue Joffre", 5.8, 49.3, 54111])
    path = tmp_path / "oa.xlsx"
    workbook.save(path)
    with app.app_context():
        report = run_import(path.read_bytes(), "oa.xlsx")
        assert report.format == "openaddresses" and report.created["addresses"] == 1
        db.session.rollback()


def _job_id(response) -> int:
    """The job a form started: it answers with a redirect to the job's progress page."""
    assert response.status_code == 302 and re.fullmatch(r"/jobs/\d+", response.location), response.location
    return int(response.location.rsplit("/", 1)[1])


def _upload(client, data: bytes, name: str = "people.csv"):
    return client.post_form(
        "/residents/import",
        {"file": (io.BytesIO(data), name), "format": "auto"},
        content_type="multipart/form-data",
    )


def test_web_import_upload_check_confirm_run_as_jobs(app, client, people, admin):
    client.login(people["organizer"])
    check = _job_id(_upload(client, NATIONBUILDER.encode()))
    status = client.get(f"/jobs/{check}.json").json
    assert status["state"] == "done" and status["done"] == status["total"] == 4  # 3 rows, then the writing
    assert status["summary"]["residents"] == 3 and status["summary"]["written"] is False
    text = client.get(f"/jobs/{check}").get_data(as_text=True)
    assert "Check before importing" in text and "Export NationBuilder" in text and "nothing has been written" in text
    token = re.search(r"/residents/import/([\w-]+)/confirm", text).group(1)
    with app.app_context():
        assert count(Resident) == 3  # the fixture's residents only: the check wrote nothing
    run = _job_id(client.post_form(f"/residents/import/{token}/confirm", {"source": "NationBuilder mars 2026"}))
    status = client.get(f"/jobs/{run}.json").json
    assert status["state"] == "done" and status["done"] == status["total"] == 4
    assert status["summary"]["residents"] == 3 and status["summary"]["written"] is True
    done = client.get(f"/jobs/{run}").get_data(as_text=True)
    assert "Import done" in done and 'data-testid="created-residents">3<' in done and 'href="/residents/"' in done
    with app.app_context():
        assert count(Resident) == 6
        assert (
            db.session.scalar(select(Resident.data_source).where(Resident.source_id == "101"))
            == "NationBuilder mars 2026"
        )
        imported = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "residents.import"))
        assert imported.actor_id == people["organizer_id"] and imported.details["created"]["residents"] == 3
    # The upload is gone once imported; the job is its author's alone.
    assert client.post_form(f"/residents/import/{token}/confirm", {"source": "x"}).status_code == 404
    other = app.test_client()
    other.login(admin[1])
    assert other.get(f"/jobs/{run}").status_code == 404 and other.get(f"/jobs/{run}.json").status_code == 404


def test_web_import_progress_is_reported_while_rows_are_checked(app, client, people, monkeypatch):
    from organizer.jobs.services import Progress
    from organizer.residents import importing

    monkeypatch.setattr(importing, "PROGRESS_EVERY", 1)
    seen = []
    original = Progress.report

    def report(self, done, total=None):
        seen.append((done, total))
        original(self, done, total)

    monkeypatch.setattr(Progress, "report", report)
    client.login(people["organizer"])
    _job_id(_upload(client, NATIONBUILDER.encode()))
    assert seen == [(0, 4), (1, 4), (2, 4), (3, 4)]


def test_web_import_generic_mapping_screen(app, client, people):
    client.login(people["organizer"])
    data = "Prénom;Nom;Adresse;Num\nAwa;Diallo;rue Joffre;14\n".encode("cp1252")
    response = _upload(client, data, "liste.csv")
    assert response.status_code == 302 and "/map" in response.location
    page = client.get(response.location).get_data(as_text=True)
    assert "Awa" in page and "Prénom" in page
    check = _job_id(
        client.post_form(
            response.location,
            {"map_first_name": "Prénom", "map_last_name": "Nom", "map_street": "Adresse", "map_number": "Num"},
        )
    )
    review = client.get(f"/jobs/{check}").get_data(as_text=True)
    assert "Check before importing" in review and 'data-testid="created-residents">1<' in review


def test_web_import_refuses_empty_and_too_large(app, client, people):
    client.login(people["organizer"])
    page = client.post_form(
        "/residents/import",
        {"file": (io.BytesIO(b""), "empty.csv"), "format": "auto"},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "The file is empty." in page
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post(
        "/residents/import",
        data={"file": (io.BytesIO(b"x" * 5000), "big.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413


def test_real_ban_copy_is_shared_file(tmp_path):
    # The test data travels with the tests (no ../shared).
    assert BAN.exists() and BAL.exists()
    shutil.copy(BAN, tmp_path / "x.csv")


def test_cli_export(app, runner, tmp_path):
    path = tmp_path / "nb.csv"
    path.write_text(NATIONBUILDER)
    runner.invoke(args=["residents", "import", str(path)])
    out = tmp_path / "out.csv"
    result = runner.invoke(args=["residents", "export", str(out)])
    assert result.exit_code == 0 and "3 residents" in result.output
    text = out.read_bytes().decode("utf-8-sig")
    assert text.startswith("id;first_name") and "Hélène" in text
    nguyen = next(line for line in text.splitlines() if "Nguyen" in line)
    assert "f.nguyen@example.org" not in nguyen  # do not contact: no contact details


def test_web_failing_import_writes_nothing_and_reports_each_row(app, client, people):
    client.login(people["organizer"])
    with app.app_context():
        before = count(Resident), count(Address), count(Household), count(Tag)
    bad = NATIONBUILDER.replace("06 12 34 56 78", "12 34")
    check = _job_id(_upload(client, bad.encode()))
    page = client.get(f"/jobs/{check}").get_data(as_text=True)
    assert "mobile_number" in page and "Some rows have problems" in page
    token = re.search(r"/residents/import/([\w-]+)/confirm", page).group(1)
    refused = _job_id(client.post_form(f"/residents/import/{token}/confirm", {"source": "NB"}))
    status = client.get(f"/jobs/{refused}.json").json
    assert status["state"] == "done" and status["summary"]["written"] is False and status["summary"]["rejected"] == 1
    report = client.get(f"/jobs/{refused}").get_data(as_text=True)
    assert "Nothing was imported" in report and "<td>2</td><td>mobile_number</td>" in report
    assert "“12 34” is not a phone number" in report
    rejects = client.get(f"/residents/import/{token}/rejects.csv")
    assert rejects.status_code == 200 and "mobile_number" in rejects.data.decode("utf-8-sig")
    with app.app_context():
        assert (count(Resident), count(Address), count(Household), count(Tag)) == before
        assert db.session.scalar(select(func.count()).where(AuditEvent.action == "residents.import")) == 0
    # The same page offers to import only the valid rows.
    done = _job_id(client.post_form(f"/residents/import/{token}/confirm", {"source": "NB", "skip_invalid": "y"}))
    assert "Import done" in client.get(f"/jobs/{done}").get_data(as_text=True)
    rejects = client.get(f"/residents/import/{token}/rejects.csv")
    assert rejects.status_code == 200 and "mobile_number" in rejects.data.decode("utf-8-sig")
    with app.app_context():
        assert count(Resident) == 5


def test_web_import_without_source_goes_back_to_the_check(app, client, people):
    client.login(people["organizer"])
    check = _job_id(_upload(client, NATIONBUILDER.encode()))
    token = re.search(r"/residents/import/([\w-]+)/confirm", client.get(f"/jobs/{check}").get_data(as_text=True))
    response = client.post_form(f"/residents/import/{token.group(1)}/confirm", {"source": ""})
    assert response.status_code == 302 and response.location == f"/jobs/{check}"
    assert "Say where these people come from" in client.get(response.location).get_data(as_text=True)


def test_web_import_runs_in_the_worker_process(app, client, people):
    """The real queue: a `flask jobs worker` process (its own instance folder) finds the upload and writes."""
    from tests.jobs.test_jobs import _wait_for
    from tests.support.workers import running_worker

    app.config["JOBS_RUN_INLINE"] = False
    client.login(people["organizer"])
    check = _job_id(_upload(client, NATIONBUILDER.encode()))
    with running_worker(app, concurrency=1, QUEUE_TEST_INSTANCE=app.instance_path + "-worker"):
        assert _wait_for(app, check, timeout=30) == "done"
        page = client.get(f"/jobs/{check}").get_data(as_text=True)
        token = re.search(r"/residents/import/([\w-]+)/confirm", page).group(1)
        run = _job_id(client.post_form(f"/residents/import/{token}/confirm", {"source": "NB"}))
        assert _wait_for(app, run, timeout=30) == "done"
    with app.app_context():
        assert count(Resident) == 6


def test_electoral_rows_follow_the_official_header():
    official = (DATA / "fr-liste-electorale-HEADER-ONLY.csv").read_text(encoding="utf-8").strip()
    assert official == ELECTORAL_HEADER and len(official.split(";")) == 29
    assert detect_format(official.split(";")) == "electoral-list"


def test_web_import_job_pages_are_french(app, client, people):
    from tests.support.french import english_in_french_page

    client.login(people["organizer"])
    client.post_form("/language", {"lang": "fr", "next": "/"})
    check = _job_id(_upload(client, NATIONBUILDER.encode()))
    page = client.get(f"/jobs/{check}").get_data(as_text=True)
    assert "<h1>Vérifier avant d" in page and "rien n’a encore été enregistré" in page
    assert english_in_french_page(page, user_data=("people.csv", "nationbuilder", "Export NationBuilder")) == []
    token = re.search(r"/residents/import/([\w-]+)/confirm", page).group(1)
    run = _job_id(client.post_form(f"/residents/import/{token}/confirm", {"source": "Fichier NB"}))
    done = client.get(f"/jobs/{run}").get_data(as_text=True)
    assert "Import terminé" in done and english_in_french_page(done, user_data=("nationbuilder",)) == []


def test_second_confirm_click_follows_the_import_already_queued(app, client, people, monkeypatch):
    from organizer.jobs import services as jobs
    from organizer.jobs.models import Job

    client.login(people["organizer"])
    check = _job_id(_upload(client, NATIONBUILDER.encode()))
    token = re.search(r"/residents/import/([\w-]+)/confirm", client.get(f"/jobs/{check}").get_data(as_text=True))
    monkeypatch.setattr(jobs, "launch", lambda job_id: None)  # the worker has not picked it up yet
    first = _job_id(client.post_form(f"/residents/import/{token.group(1)}/confirm", {"source": "NB"}))
    waiting = client.get(f"/jobs/{first}").get_data(as_text=True)
    assert "<progress" in waiting and 'aria-live="polite"' in waiting and f'href="/jobs/{first}">Refresh<' in waiting
    again = _job_id(client.post_form(f"/residents/import/{token.group(1)}/confirm", {"source": "NB"}))
    assert again == first
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Job)) == 2  # the check and one import
