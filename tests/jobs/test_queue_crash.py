"""kill -9 of a worker mid-import: the job ends retried-and-done, or failed with a message; the database
holds all of the import or none of it; nothing stays "running"."""

import io
import os
import re
import signal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from organizer.audit.models import AuditEvent
from organizer.extensions import db
from organizer.jobs.models import Job
from organizer.residents.models import Resident
from tests.residents.conftest import NATIONBUILDER
from tests.support.workers import start_worker, stop_worker, wait_until


@pytest.fixture
def queued_import(app, client, make_user):
    """An organizer's checked upload, its import queued (no worker yet): (job id, residents it will create)."""
    _id, email = make_user("organizer")
    client.login(email)
    upload = {"file": (io.BytesIO(NATIONBUILDER.encode()), "people.csv"), "format": "auto"}
    check = client.post_form("/residents/import", upload, content_type="multipart/form-data").location
    expected = client.get(f"{check}.json").json["summary"]["residents"]
    token = re.search(r"/residents/import/([\w-]+)/confirm", client.get(check).get_data(as_text=True)).group(1)
    app.config["JOBS_RUN_INLINE"] = False
    run = client.post_form(f"/residents/import/{token}/confirm", {"source": "NB"}).location
    assert expected == 3 and re.fullmatch(r"/jobs/\d+", run)
    return int(run.rsplit("/", 1)[1]), expected


def _facts(app, job_id):
    with app.app_context():
        job = db.session.get(Job, job_id)
        facts = {
            "state": job.state,
            "attempts": job.attempts,
            "error": job.error,
            "residents": db.session.scalar(select(func.count()).select_from(Resident)),
            "imports": db.session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "residents.import")
            ),
            "running": db.session.scalar(select(func.count()).select_from(Job).where(Job.state == "running")),
        }
        db.session.remove()
        return facts


def _paused_pid(marker: Path) -> int:
    """Wait for the import to have written its rows (uncommitted) and paused; its process id."""
    wait_until(lambda: marker.exists() and marker.read_text(), timeout=60, message="the import never paused")
    return int(marker.read_text())


def _finished(app, job_id):
    return _facts(app, job_id)["state"] in ("done", "failed")


def test_job_process_killed_mid_import_is_retried_and_done_once(app, queued_import, tmp_path):
    job_id, expected = queued_import
    marker = tmp_path / "paused"
    worker = start_worker(app, 1, QUEUE_TEST_PAUSE=marker)
    try:
        os.kill(_paused_pid(marker), signal.SIGKILL)  # out of memory, say
        wait_until(lambda: _finished(app, job_id), timeout=60, message="the job never ended")
    finally:
        stop_worker(worker)
    facts = _facts(app, job_id)
    assert (facts["state"], facts["attempts"], facts["running"]) == ("done", 2, 0)
    assert facts["residents"] == expected and facts["imports"] == 1  # all of it, once


def test_killed_twice_the_import_fails_with_a_message_and_writes_nothing(app, client, queued_import, tmp_path):
    job_id, _expected = queued_import
    marker = tmp_path / "paused"
    worker = start_worker(app, 1, QUEUE_TEST_PAUSE=marker, QUEUE_TEST_PAUSE_ALWAYS=1)
    try:
        first = _paused_pid(marker)
        marker.unlink()
        os.kill(first, signal.SIGKILL)
        second = _paused_pid(marker)
        assert second != first
        os.kill(second, signal.SIGKILL)
        wait_until(lambda: _finished(app, job_id), timeout=60, message="the job never ended")
    finally:
        stop_worker(worker)
    facts = _facts(app, job_id)
    assert (facts["state"], facts["attempts"], facts["running"]) == ("failed", 2, 0)
    assert facts["residents"] == 0 and facts["imports"] == 0  # none of it
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "stopped twice before the end" in page and "Traceback" not in page


def test_whole_worker_killed_mid_import_the_next_worker_finishes_it(app, queued_import, tmp_path):
    """A reboot or a deploy that kills everything: the job waits as "running" until a worker starts again."""
    job_id, expected = queued_import
    marker = tmp_path / "paused"
    worker = start_worker(app, 1, QUEUE_TEST_PAUSE=marker)
    _paused_pid(marker)
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(10)
    assert _facts(app, job_id)["state"] == "running"
    restarted = start_worker(app, 1)
    try:
        wait_until(lambda: _finished(app, job_id), timeout=60, message="the job never ended")
    finally:
        stop_worker(restarted)
    facts = _facts(app, job_id)
    assert (facts["state"], facts["attempts"], facts["running"]) == ("done", 2, 0)
    assert facts["residents"] == expected and facts["imports"] == 1
