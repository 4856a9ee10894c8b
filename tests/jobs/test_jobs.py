"""Background jobs: queued by the web, run by a separate process, progress polled, result downloaded."""

import csv
import io
import time

from sqlalchemy import func, select

from organizer.audit import services as audit
from organizer.extensions import db
from organizer.jobs.models import Job
from organizer.spreadsheets import neutralise


def test_neutralise_formula_cells():
    assert neutralise(["=SUM(A1)", "+33 6", "-1", "@cmd", "\tx", "\rx", "Dupont", 12, None]) == [
        "'=SUM(A1)",
        "'+33 6",
        "'-1",
        "'@cmd",
        "'\tx",
        "'\rx",
        "Dupont",
        12,
        None,
    ]


def _seed_events(app, n):
    with app.app_context():
        for i in range(n):
            audit.record("=HYPERLINK(1)" if i == 0 else "test.event", None, n=i)
        db.session.commit()


def _wait_for(app, job_id, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with app.app_context():
            job = db.session.get(Job, job_id)
            if job.state in ("done", "failed"):
                return job.state
        time.sleep(0.2)
    raise AssertionError("job did not finish")


def test_audit_export_runs_in_a_worker_process(app, client, admin):
    from tests.support.workers import running_worker

    app.config["JOBS_RUN_INLINE"] = False
    _seed_events(app, 30)
    client.login(admin[1])
    response = client.post_form("/admin/audit/export")
    assert response.status_code == 302 and response.headers["Location"].startswith("/jobs/")
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert 'data-status-url="/jobs/' in page
    with running_worker(app, concurrency=1):
        assert _wait_for(app, job_id) == "done"
    status = client.get(f"/jobs/{job_id}.json").json
    assert status["state"] == "done" and status["summary"]["events"] >= 30 and status["done"] == status["total"]
    download = client.get(f"/jobs/{job_id}/result")
    assert download.headers["Content-Type"].startswith("text/csv")
    text = download.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["id", "at", "actor", "action"]
    assert "'=HYPERLINK(1)" in [row[3] for row in rows[1:]]
    assert not any(cell.startswith("=") for row in rows for cell in row)


def test_jobs_are_private_to_their_author(app, client, admin, make_user):
    with app.app_context():
        job = Job(kind="audit.export", params={}, created_by_id=admin[0])
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    _id, email = make_user("organizer")
    client.login(email)
    assert client.get(f"/jobs/{job_id}").status_code == 404
    assert client.get(f"/jobs/{job_id}.json").status_code == 404


def test_failed_job_is_reported_and_changes_nothing(app, admin, monkeypatch):
    from organizer.jobs import services as jobs
    from organizer.kernel.contributions import REGISTRY_KEY, JobKind

    def fail(job, progress):
        progress.report(1, 10)
        raise RuntimeError("disk full")

    monkeypatch.setitem(app.extensions[REGISTRY_KEY].job_kinds, "test.fail", JobKind("test.fail", fail, "Fail"))
    with app.app_context():
        job = jobs.create_job("test.fail", {}, admin[0])
        db.session.commit()
        finished = jobs.run_job(job.id)
        assert finished.state == "failed" and "disk full" in finished.error
        assert db.session.scalar(select(Job.done).where(Job.id == job.id)) == 1


def test_purge_deletes_old_jobs_and_job_files_and_keeps_recent_ones(app):
    """Results and uploads hold personal data: they go after JOBS_RETENTION_DAYS, by command and by new work."""
    import os
    from datetime import UTC, datetime, timedelta
    from pathlib import Path

    from organizer.jobs import files, services
    from organizer.jobs.models import JobFile

    now = datetime.now(UTC)
    # One upload left in the instance folder by an earlier version, two in the job files (the database).
    folder = Path(app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    legacy = folder / "legacy.data"
    legacy.write_text("Dupont;Jeanne")
    eight_days_ago = (now - timedelta(days=8)).timestamp()
    os.utime(legacy, (eight_days_ago, eight_days_ago))
    with app.app_context():
        files.put("imports", "old.data", "Dupont;Jeanne")
        files.put("imports", "new.data", "Martin;Paul")
        db.session.scalar(select(JobFile).where(JobFile.name == "old.data")).created_at = now - timedelta(days=8)
        old = Job(kind="audit.export", state="done", result=b"x", created_at=now - timedelta(days=8))
        recent = Job(kind="audit.export", state="done", result=b"y", created_at=now - timedelta(days=6))
        db.session.add_all([old, recent])
        db.session.commit()
        old_id, recent_id = old.id, recent.id
    result = app.test_cli_runner().invoke(args=["jobs", "purge"])
    assert result.exit_code == 0 and "1 jobs and 2 files deleted" in result.output
    with app.app_context():
        assert db.session.get(Job, old_id) is None and db.session.get(Job, recent_id) is not None
        purge = db.session.scalars(select(audit.AuditEvent).where(audit.AuditEvent.action == "jobs.purge")).one()
        assert purge.details == {"jobs": 1, "files": 2}
        assert not files.exists("imports", "old.data") and files.get("imports", "new.data") == b"Martin;Paul"
    assert not legacy.exists()
    # Starting new work purges too: the recent job ages past the limit.
    with app.app_context():
        db.session.get(Job, recent_id).created_at = now - timedelta(days=30)
        db.session.commit()
        services.create_job("audit.export", {}, None)
        db.session.commit()
        assert db.session.get(Job, recent_id) is None


def test_uploads_wait_in_the_shared_folder_when_one_is_set(app, client, make_user, tmp_path):
    """ORGANIZER_SHARED_FOLDER: uploads go there (every host mounts it), not into the database."""
    import io

    from organizer.jobs.models import JobFile
    from tests.residents.conftest import NATIONBUILDER

    shared = tmp_path / "shared"
    app.config["SHARED_FOLDER"] = str(shared)
    _id, email = make_user("organizer")
    client.login(email)
    upload = {"file": (io.BytesIO(NATIONBUILDER.encode()), "people.csv"), "format": "auto"}
    check = client.post_form("/residents/import", upload, content_type="multipart/form-data").location
    assert client.get(f"{check}.json").json["state"] == "done"
    [data] = list((shared / "imports").glob("*.data"))
    assert data.read_bytes() == NATIONBUILDER.encode()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(JobFile)) == 0
    token = data.name.removesuffix(".data")
    run = client.post_form(f"/residents/import/{token}/confirm", {"source": "NB"}).location
    assert client.get(f"{run}.json").json["summary"]["residents"] == 3
    assert not data.exists()  # imported: the upload is gone
