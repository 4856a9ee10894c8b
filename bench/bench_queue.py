"""The job queue, on each database: 30 batch prints queued at once with one worker doing 2 at a time
(rendering processes at once, all done, peak memory of the worker and its job processes against the old
launcher's one process per job), 200 small jobs by two workers with their own instance folders (each run
exactly once), and a job process killed with -9 mid-import (time until the retry has it done)."""

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JOBS, TURFS_PER_JOB = 30, int(os.environ.get("BENCH_QUEUE_TURFS", 3))
DOORS = int(os.environ.get("BENCH_QUEUE_DOORS", 60))
SMALL_JOBS, IMPORT_ROWS = 200, int(os.environ.get("BENCH_QUEUE_IMPORT_ROWS", 3000))


def _app(url: str, instance: str):
    from bench.__main__ import Databases

    app = Databases.app(url, TESTING=True, PUBLIC_URL="https://organizer.example.org")
    app.instance_path = instance
    return app


def _pss_kb(pid: int) -> int:
    """Proportional set size: shared pages (the worker's, inherited by its children) counted once overall."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            return next(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))
    except (OSError, StopIteration):
        return 0


def _users(app):
    from organizer.auth import services as auth
    from organizer.extensions import db

    with app.app_context():
        ids = [auth.create_user(f"{n}@example.org", n, "organizer", password="x" * 12)[0].id for n in ("a", "b")]
        db.session.commit()
        return ids


def _queue_prints(app, author: int, other: int, count: int = JOBS) -> list[int]:
    from organizer.extensions import db
    from organizer.jobs import services
    from organizer.turfs.models import Turf

    with app.app_context():
        turf_ids = sorted(db.session.scalars(db.select(Turf.id)))[:TURFS_PER_JOB]
        ids = []
        with app.test_request_context(base_url="https://organizer.example.org/"):
            for user in [author] * (count - 1) + [other]:
                params = {"turf_ids": turf_ids, "zip": False, "lang": "fr"}
                ids.append(services.create_job("walk_sheets", params, user).id)
        db.session.commit()
        return ids


def _one_inline(app, author: int) -> float:
    """One of these prints done in this (warm) process: the work itself, without the queue."""
    from organizer.jobs import services
    from organizer.turfs.jobs import warm_up

    [job_id] = _queue_prints(app, author, author, count=1)
    with app.app_context():
        warm_up()
        started = time.perf_counter()
        services.run_job(job_id)
        return time.perf_counter() - started


def _old_launcher_peak_kb(app, job_id: int) -> int:
    """What the old launcher cost per job: one fresh `flask jobs run ID` process, its peak resident memory."""
    env = dict(os.environ)
    env.update(
        ORGANIZER_SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        ORGANIZER_SECRET_KEY=app.config["SECRET_KEY"],
    )
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "run", str(job_id)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)  # noqa: S603
    _pid, _status, usage = os.wait4(process.pid, 0)
    process.returncode = 0
    return usage.ru_maxrss


def _prints(report, label: str, app, folder: Path) -> None:
    from bench.bench_walksheet import _populate
    from tests.support.workers import all_finished, children_of, start_worker, stop_worker

    _populate(app, TURFS_PER_JOB, DOORS)
    author, other = _users(app)
    ids = _queue_prints(app, author, other)
    inline = _one_inline(app, author)
    worker = start_worker(app, 2, instance=folder / "worker")
    most = peak = samples = 0
    started = None
    try:
        while not all_finished(app, ids):
            children = children_of(worker.pid)
            if children and started is None:
                started = time.perf_counter()
            most = max(most, len(children))
            if samples % 5 == 0:  # reading smaps_rollup locks the process's memory map: not too often
                peak = max(peak, sum(_pss_kb(pid) for pid in [worker.pid, *children]))
            samples += 1
            time.sleep(0.1)
        elapsed = time.perf_counter() - (started or time.perf_counter())
    finally:
        stop_worker(worker)
    from organizer.extensions import db
    from organizer.jobs.models import Job

    with app.app_context():
        jobs = db.session.scalars(db.select(Job).where(Job.id.in_(ids)).order_by(Job.started_at)).all()
        done = sum(job.state == "done" for job in jobs)
        position = [job.id for job in jobs].index(ids[-1]) + 1
        db.session.remove()
    [extra] = _queue_prints(app, author, author, count=1)  # one more print the old way, for its memory
    old = _old_launcher_peak_kb(app, extra)
    what = f"{JOBS} batch prints of {TURFS_PER_JOB} turfs x {DOORS} doors"
    report.add(
        f"{what}, 1 worker x 2 processes: all done in, vs one done here x {JOBS} / 2 ({label})",
        elapsed,
        inline * JOBS / 2,
        aim=f"{done}/{JOBS} done",
    )
    report.add(f"{what}: most rendering processes at once ({label})", most, unit="processes", aim="<= 2")
    report.add(
        f"{what}: peak memory of the worker and its job processes (PSS) vs {JOBS} x one old launcher process ({label})",
        peak / 1024,
        JOBS * old / 1024,
        unit="MB",
        aim="bounded: 2 jobs' worth",
    )
    report.add(f"{what}: start position of another person's print queued last ({label})", position, unit="th")


def _small_jobs(report, label: str, app, folder: Path) -> None:
    from organizer.extensions import db
    from organizer.jobs import services
    from organizer.jobs.models import Job
    from tests.support import queue_app
    from tests.support.workers import all_finished, start_worker, stop_worker, wait_until

    queue_app.add_test_kinds()
    with app.app_context():
        ids = [services.create_job("test.note", {}, None).id for _ in range(SMALL_JOBS)]
        db.session.commit()
    workers = [start_worker(app, 2, instance=folder / f"host{n}") for n in range(2)]
    try:
        wait_until(lambda: services_alive(app) == 2, timeout=120, interval=0.05)
        wait_until(lambda: any_started(app, ids), timeout=60, interval=0.01)
        started = time.perf_counter()
        wait_until(lambda: all_finished(app, ids), timeout=600, interval=0.05)
        elapsed = time.perf_counter() - started
    finally:
        for worker in workers:
            stop_worker(worker)
    with app.app_context():
        runs = db.session.execute(
            db.select(db.func.count()).where(db.text("action = 'test.ran'")).select_from(db.table("audit_events"))
        ).scalar()
        attempts = db.session.scalar(db.select(db.func.max(Job.attempts)).where(Job.id.in_(ids)))
    report.add(
        f"{SMALL_JOBS} small jobs, 2 workers x 2 processes, own instance folders ({label})",
        elapsed,
        aim=f"runs {runs}/{SMALL_JOBS}, most attempts {attempts}",
    )


def services_alive(app) -> int:
    from organizer.extensions import db
    from organizer.jobs import services

    with app.app_context():
        alive = services.live_workers()
        db.session.remove()
        return alive


def any_started(app, ids) -> bool:
    from tests.support.workers import states

    return any(state != "queued" for state in states(app, ids).values())


def _nationbuilder(rows: int) -> bytes:
    header = "nationbuilder_id,first_name,last_name,email,primary_address1,primary_city,primary_zip\n"
    lines = [
        f"{n},Prénom{n},Nom{n},p{n}@example.org,{n % 90 + 1} rue Joffre,Mont-Bonvillers,54111" for n in range(rows)
    ]
    return (header + "\n".join(lines) + "\n").encode()


def _killed_import(report, label: str, app, folder: Path) -> None:
    from organizer.extensions import db
    from organizer.jobs import files, services
    from organizer.jobs.models import Job
    from organizer.residents.models import Resident
    from tests.support.workers import start_worker, stop_worker, wait_until

    with app.app_context():
        user = db.session.scalar(db.select(db.func.min(db.text("id"))).select_from(db.table("users")))
        files.put("imports", "bench.data", _nationbuilder(IMPORT_ROWS))
        params = {"token": "bench", "filename": "people.csv", "format": "nationbuilder", "source": "bench"}
        job_id = services.create_job("residents.import", params, user).id
        db.session.commit()
        before = db.session.scalar(db.select(db.func.count()).select_from(Resident))
    marker = folder / "paused"
    worker = start_worker(app, 1, instance=folder / "crash", QUEUE_TEST_PAUSE=marker)
    try:
        wait_until(lambda: marker.exists() and marker.read_text(), timeout=300, interval=0.02)
        os.kill(int(marker.read_text()), signal.SIGKILL)
        killed = time.perf_counter()
        wait_until(lambda: _state(app, job_id) in ("done", "failed"), timeout=300, interval=0.02)
        recovered = time.perf_counter() - killed
    finally:
        stop_worker(worker)
    with app.app_context():
        job = db.session.get(Job, job_id)
        added = db.session.scalar(db.select(db.func.count()).select_from(Resident)) - before
        state, attempts = job.state, job.attempts
    report.add(
        f"import of {IMPORT_ROWS} rows, job process killed -9 mid-write: until retried and {state} ({label})",
        recovered,
        aim=f"attempts {attempts}, residents added {added}/{IMPORT_ROWS}",
    )


def _state(app, job_id: int) -> str:
    from tests.support.workers import states

    return states(app, [job_id])[job_id]


def run(report) -> None:
    from organizer.extensions import db

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    for label in report.databases.labels:
        folder = Path(tempfile.mkdtemp(prefix="bench-queue-"))
        app = _app(report.databases.fresh(label), str(folder / "web"))
        with app.app_context():
            db.create_all()
        _prints(report, label, app, folder)
        _small_jobs(report, label, app, folder)
        _killed_import(report, label, app, folder)
        with app.app_context():
            db.engine.dispose()
