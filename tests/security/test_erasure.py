"""Erasure reaches every copy: background jobs' results (a printed walk sheet) and job files (an uploaded
import, its rejects) go with the person; the subject-access copy says where data was found."""

import io

from pypdf import PdfReader
from sqlalchemy import select

from organizer.extensions import db
from organizer.jobs.models import JobFile
from organizer.residents.models import Address, Household, Resident
from organizer.turfs.models import Turf
from tests.privacy.conftest import resident_id  # noqa: F401 - the fixture: Hélène Dupont, 12 bis rue Joffre

UPLOAD = "first_name;last_name;email\nHélène;Dupont;helene@example.org\nJean;Martin;not-an-e-mail\n"


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _import_files(app) -> list[bytes]:
    """The import's job files (the database in tests: no ORGANIZER_SHARED_FOLDER)."""
    with app.app_context():
        return list(db.session.scalars(select(JobFile.data).where(JobFile.folder == "imports")))


def _print_her_turf(app, client, resident_id) -> int:  # noqa: F811
    with app.app_context():
        person = db.session.get(Resident, resident_id)
        household = db.session.get(Household, person.household_id)
        address = db.session.get(Address, household.address_id)
        turf = Turf(name="Rue Joffre")
        db.session.add(turf)
        db.session.flush()
        address.turf_id = turf.id
        turf_id = turf.id
        db.session.commit()
    response = client.post_form("/turfs/print", {"turf": [turf_id], "bundle": "pdf"})
    assert response.status_code == 302
    return int(response.location.rsplit("/", 1)[1])


def test_erasure_deletes_job_results_and_files_that_name_the_person(app, client, resident_id, make_user):  # noqa: F811
    _id, email = make_user("organizer")
    client.login(email)
    job_id = _print_her_turf(app, client, resident_id)
    sheet = client.get(f"/jobs/{job_id}/result")
    assert sheet.status_code == 200 and "Dupont" in _pdf_text(sheet.data)
    upload = client.post_form(
        "/residents/import",
        {"file": (io.BytesIO(UPLOAD.encode()), "people.csv"), "format": "auto"},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302
    assert any(b"Dupont" in data for data in _import_files(app))  # job files (organizer.jobs.files), not the instance
    # The subject-access copy says where she was found, job results and files included.
    copy = client.get(f"/privacy/residents/{resident_id}/export.json").json
    places = {row["where"]: row["count"] for row in copy["found_in"]}
    assert places["door_knocks"] == 1 and places["job_results"] == 1 and places["job_files"] >= 2
    assert client.post_form(f"/privacy/residents/{resident_id}/erase", {"confirmation": "erase"}).status_code == 302
    assert client.get(f"/jobs/{job_id}/result").status_code == 404
    assert "Download" not in client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert _import_files(app) == []
    with app.app_context():
        assert db.session.scalar(select(Resident).where(Resident.last_name == "Dupont")) is None
