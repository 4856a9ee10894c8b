"""Legal basis and purpose: recorded by hand and by every import, shown on the privacy page and in the
subject-access copy; the electoral list's restricted use said wherever it applies."""

import io
import json
import re

from pypdf import PdfReader
from sqlalchemy import select

from organizer.audit.models import AuditEvent
from organizer.extensions import db
from organizer.residents.models import Resident
from tests.residents.conftest import electoral_file, electoral_row
from tests.residents.test_import import _job_id, _upload


def test_new_resident_must_say_basis_and_purpose(app, client, people):
    client.login(people["organizer"])
    form = client.get("/residents/new").get_data(as_text=True)
    assert re.search(r'<option selected value="legitimate_interest">|value="legitimate_interest" selected', form)
    page = client.post_form(
        "/residents/new",
        {"first_name": "Awa", "last_name": "Sow", "data_source": "x", "leadership_stage": "contact", "purpose": ""},
    ).get_data(as_text=True)
    assert "Say on what legal basis this person is recorded." in page
    assert "Say what this person&#39;s data is kept for." in page or "Say what this person's data is kept for." in page
    response = client.post_form(
        "/residents/new",
        {
            "first_name": "Awa",
            "last_name": "Sow",
            "data_source": "Fête de quartier",
            "leadership_stage": "contact",
            "consent_basis": "consent",
            "purpose": "Campagne loyers 2026",
        },
    )
    assert response.status_code == 302
    rid = int(response.location.rsplit("/", 1)[1])
    privacy = client.get(f"/privacy/residents/{rid}").get_data(as_text=True)
    assert 'data-testid="legal-basis">Consent<' in privacy and 'data-testid="purpose">Campagne loyers 2026<' in privacy
    assert 'data-testid="electoral-warning"' not in privacy


def test_electoral_list_import_records_its_restricted_basis(app, client, people):
    client.login(people["organizer"])
    data = electoral_file(
        [electoral_row(1001, "MARTIN", "MARTIN", "Claire", "02/03/1980", "12", "RUE", "JOFFRE")]
    ).encode()
    check = _job_id(_upload(client, data, "liste.csv"))
    page = client.get(f"/jobs/{check}").get_data(as_text=True)
    assert 'data-testid="electoral-warning"' in page and "electoral communication" in page
    token = re.search(r"/residents/import/([\w-]+)/confirm", page).group(1)
    # Even if another basis is sent, the electoral list's own is recorded.
    run = _job_id(
        client.post_form(
            f"/residents/import/{token}/confirm",
            {"source": "Liste électorale 2026", "basis": "consent", "purpose": "Élections municipales 2026"},
        )
    )
    assert client.get(f"/jobs/{run}.json").json["state"] == "done"
    with app.app_context():
        claire = db.session.scalar(select(Resident).where(Resident.first_name == "Claire"))
        assert (claire.consent_basis, claire.purpose) == ("electoral_list", "Élections municipales 2026")
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "residents.import"))
        assert event.details["basis"] == "electoral_list"
    privacy = client.get(f"/privacy/residents/{claire.id}").get_data(as_text=True)
    assert 'data-testid="electoral-warning"' in privacy and "never passed on" in privacy
    exported = json.loads(client.get(f"/privacy/residents/{claire.id}/export.json").data)
    assert json.dumps(exported, ensure_ascii=False).count("Élections municipales 2026") >= 1
    pdf = client.get(f"/privacy/residents/{claire.id}/export.pdf").data
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Élections municipales 2026" in text


def test_other_imports_propose_legitimate_interest_and_record_what_is_confirmed(app, runner, tmp_path):
    path = tmp_path / "amis.csv"
    path.write_text("Prénom;Nom;Adresse\nAwa;Diallo;14 rue Joffre\n", encoding="utf-8")
    result = runner.invoke(
        args=[
            "residents",
            "import",
            str(path),
            "--format",
            "generic",
            "--map",
            "first_name=Prénom",
            "--map",
            "last_name=Nom",
            "--map",
            "address=Adresse",
            "--source",
            "Amis",
            "--basis",
            "consent",
            "--purpose",
            "Invitations aux réunions",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        awa = db.session.scalar(select(Resident).where(Resident.first_name == "Awa"))
        assert (awa.consent_basis, awa.purpose) == ("consent", "Invitations aux réunions")
