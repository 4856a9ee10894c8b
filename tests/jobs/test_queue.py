"""The job queue: fair claims, exactly-once runs across worker processes, dead workers, bounded concurrency."""

import os
import threading
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from organizer.audit.models import AuditEvent
from organizer.auth import services as auth_services
from organizer.db import utcnow
from organizer.extensions import db
from organizer.jobs import services
from organizer.jobs.models import Job, JobWorker
from organizer.kernel.contributions import REGISTRY_KEY
from tests.conftest import make_test_app, reset_schema
from tests.support import queue_app
from tests.support.workers import (
    all_finished,
    start_worker,
    states,
    stop_worker,
    wait_until,
)


@pytest.fixture
def test_kinds(request):
    """The tiny test job kinds, known to the test's app too (to queue them)."""
    queue_app.add_test_kinds(
        request.getfixturevalue("postgres_app" if "postgres_app" in request.fixturenames else "app")
    )


def _queue(app, kind: str, params: dict, user_ids: list) -> list[int]:
    with app.app_context():
        ids = [services.create_job(kind, params, user_id).id for user_id in user_ids]
        db.session.commit()
        return ids


def test_each_persons_jobs_take_turns(app, make_user, test_kinds):
    """A big batch from one person does not make another's single job wait behind it."""
    a, _ = make_user("organizer")
    b, _ = make_user("organizer")
    batch = _queue(app, "test.note", {}, [a] * 5)
    single = _queue(app, "test.note", {}, [b])
    with app.app_context():
        order = []
        while (claimed := services.claim("tester")) is not None:
            order.append(claimed[0])
    # a's first job was running when b's arrived: b's goes next, then a's others in order.
    assert order == [batch[0], single[0], *batch[1:]]


def test_a_kind_of_higher_priority_goes_first_then_turns_again(app, make_user, test_kinds):
    """JobKind.priority: a kind declared more urgent is taken before any waiting job of an ordinary kind."""
    urgent = replace(queue_app.TEST_KINDS[0], kind="test.urgent", priority=1)
    app.extensions[REGISTRY_KEY].job_kinds[urgent.kind] = urgent
    a, _ = make_user("organizer")
    b, _ = make_user("organizer")
    batch = _queue(app, "test.note", {}, [a] * 3)
    first = _queue(app, "test.urgent", {}, [b, b, a])
    with app.app_context():
        assert {job.priority for job in db.session.scalars(select(Job).where(Job.id.in_(first)))} == {1}
        order = []
        while (claimed := services.claim("tester")) is not None:
            order.append(claimed[0])
    # The urgent ones first (b's two and a's one taking turns), then the ordinary batch in order.
    assert order == [first[0], first[2], first[1], *batch]


def test_racing_claims_take_each_job_once(app, make_user, test_kinds):
    user, _ = make_user("organizer")
    ids = _queue(app, "test.note", {}, [user] * 40)
    taken: list[int] = []
    lock = threading.Lock()

    def claimer(name: str):
        with app.app_context():
            while (claimed := services.claim(name)) is not None:
                with lock:
                    taken.append(claimed[0])
            db.session.remove()

    threads = [threading.Thread(target=claimer, args=(f"t{n}",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(taken) == ids
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Job).where(Job.attempts != 1)) == 0


def test_job_page_says_waiting_for_a_worker_until_one_runs(app, client, admin):
    app.config["JOBS_RUN_INLINE"] = False
    client.login(admin[1])
    location = client.post_form("/admin/audit/export").location
    page = client.get(location).get_data(as_text=True)
    assert '<p class="flash flash-warning" id="job-waiting">Waiting for a worker' in page
    assert client.get(f"{location}.json").json["waiting"] is True
    client.post_form("/language", {"lang": "fr", "next": "/"})
    assert "En attente d’un processus de travail" in client.get(location).get_data(as_text=True)
    with app.app_context():
        db.session.add(JobWorker(id="elsewhere:1:1", concurrency=2))
        db.session.commit()
    assert 'id="job-waiting" hidden>' in client.get(location).get_data(as_text=True)
    assert client.get(f"{location}.json").json["waiting"] is False
    with app.app_context():  # that worker fell silent: waiting again
        db.session.get(JobWorker, "elsewhere:1:1").heartbeat_at = utcnow() - timedelta(minutes=5)
        db.session.commit()
    assert client.get(f"{location}.json").json["waiting"] is True


def test_dead_workers_jobs_are_retried_once_then_failed_with_a_message(app, make_user, test_kinds):
    user, _ = make_user("organizer")
    [job_id] = _queue(app, "test.note", {}, [user])
    with app.app_context():
        app.config["JOBS_DEAD_AFTER_SECONDS"] = 30
        # A worker on another host that still beats keeps its job; one silent for a minute has died.
        services.claim("other-host~x:4242:1", job_id)
        assert services.release_dead() == [] and states(app)[job_id] == "running"
        db.session.get(Job, job_id).heartbeat_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        assert services.release_dead() == [job_id]
        job = db.session.get(Job, job_id)
        assert (job.state, job.attempts, job.claimed_by) == ("queued", 1, None)
        # On this host a dead process is known at once, heartbeat or not: the second death fails the job.
        dead = services.process_id(os.getpid()).replace(f":{os.getpid()}:", ":999999999:")
        services.claim(dead, job_id)
        assert services.release_dead() == [job_id]
        db.session.expire_all()
        job = db.session.get(Job, job_id)
        assert job.state == "failed" and job.attempts == 2 and "stopped twice" in job.error
        assert (
            db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "test.ran")) == 0
        )


@pytest.fixture
def postgres_app(postgres_url, tmp_path):
    """The app on PostgreSQL only: several hosts share a PostgreSQL (SQLite is one host's file)."""
    app = make_test_app(postgres_url, JOBS_RUN_INLINE=True)
    app.instance_path = str(tmp_path / "web")
    reset_schema(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.postgres
def test_two_workers_with_their_own_instance_folders_run_200_jobs_each_once(postgres_app, test_kinds, tmp_path):
    app = postgres_app
    with app.app_context():
        users = [auth_services.create_user(f"o{n}@example.org", "O", "organizer")[0].id for n in range(3)]
        db.session.commit()
    ids = _queue(app, "test.note", {}, [users[n % 3] for n in range(200)])
    workers = [start_worker(app, 2, instance=tmp_path / f"host{n}") for n in range(2)]
    try:
        wait_until(lambda: all_finished(app, ids), timeout=120, interval=0.2, message="the 200 jobs did not finish")
    finally:
        for worker in workers:
            stop_worker(worker)
    with app.app_context():
        jobs = db.session.scalars(select(Job).where(Job.id.in_(ids))).all()
        assert {job.state for job in jobs} == {"done"} and {job.attempts for job in jobs} == {1}
        runs = db.session.execute(
            select(AuditEvent.target_id, func.count())
            .where(AuditEvent.action == "test.ran")
            .group_by(AuditEvent.target_id)
        ).all()
        assert sorted(target for target, _count in runs) == ids and {count for _t, count in runs} == {1}
        # Both workers took their share, and both are gone from the list of live workers.
        assert len({job.claimed_by.split("/")[0] for job in jobs}) == 2
        assert db.session.scalar(select(func.count()).select_from(JobWorker)) == 0
    assert not (tmp_path / "host0" / "imports").exists()  # nothing waited in a host's own folder


def test_stopped_worker_lets_its_running_job_finish(app, make_user, test_kinds):
    user, _ = make_user("organizer")
    [job_id] = _queue(app, "test.note", {"sleep": 1.0}, [user])
    worker = start_worker(app, 1)
    wait_until(lambda: states(app)[job_id] == "running", message="not started")
    assert stop_worker(worker) == 0
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert job.state == "done" and job.attempts == 1


def test_a_job_held_by_a_live_worker_with_no_process_for_it_goes_back(app, make_user, test_kinds):
    """Its end could not be recorded (the database was away when its process ended): not stuck for ever."""
    from organizer.jobs.worker import Worker

    user, _ = make_user("organizer")
    [job_id] = _queue(app, "test.note", {}, [user])
    worker = Worker(app, 1)
    with app.app_context():
        services.claim(worker.id, job_id)
        worker._give_back_orphans()
        job = db.session.get(Job, job_id)
        assert (job.state, job.attempts, job.claimed_by) == ("queued", 1, None)
