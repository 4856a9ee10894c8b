"""Queue, claim, run and report background jobs. The database is the queue: see organizer/jobs/worker.py.

Kinds are the features' contributions (`job_kinds=` in their contributions.py, read from the registry). A job
is claimed by one run at a time (an atomic UPDATE ... WHERE state = 'queued'; FOR UPDATE SKIP LOCKED on
PostgreSQL) and only that run may record its outcome; a run whose worker died is given back to the queue once,
then failed."""

import os
import socket
from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app, has_request_context, request
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, func, select, update

from organizer.audit import services as audit
from organizer.db import read_intent, utcnow, write_intent
from organizer.extensions import db
from organizer.jobs import files
from organizer.jobs.models import Job, JobWorker
from organizer.kernel.contributions import JobKind, registry
from organizer.kernel.time import aware_utc


def job_kinds() -> dict[str, JobKind]:
    """Every kind of job the features offer, by name (their contributions, in the running app's registry)."""
    return registry().job_kinds


class ClaimLost(RuntimeError):
    """This run no longer owns its job (it was given to another worker): its work must not be kept."""


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()[:8]
    except OSError:
        return "0"


# Same host and same boot: a process id there can be checked directly instead of waiting for heartbeats.
HOST = f"{socket.gethostname()[:60]}~{_boot_id()}"


def _start_ticks(pid: int) -> str:
    """When the process started (clock ticks since boot), so a reused process id is not taken for it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "0"
    return stat.rsplit(")", 1)[1].split()[19]


def process_id(pid: int | None = None) -> str:
    """This process as the queue names it: "host:pid:start"."""
    pid = pid or os.getpid()
    return f"{HOST}:{pid}:{_start_ticks(pid)}"


def process_alive(name: str) -> bool | None:
    """Whether the process named "host:pid:start" lives; None when it is on another host (ask heartbeats)."""
    try:
        host, pid, start = name.split("/", 1)[0].rsplit(":", 2)
    except ValueError:
        return None
    if host != HOST:
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return start == "0" or _start_ticks(int(pid)) in (start, "0")


def purge_expired(now: datetime | None = None) -> tuple[int, int]:
    """Delete jobs (with their results) and job files older than JOBS_RETENTION_DAYS; return both counts."""
    cutoff = (now or utcnow()) - timedelta(days=current_app.config["JOBS_RETENTION_DAYS"])
    ids = db.session.scalars(select(Job.id).where(Job.created_at < cutoff, Job.state != "running")).all()
    if ids:
        db.session.execute(delete(Job).where(Job.id.in_(ids)))
    folders = {folder for kind in job_kinds().values() for folder in kind.folders}
    removed = files.purge(folders, cutoff)
    if ids or removed:
        audit.record("jobs.purge", None, jobs=len(ids), files=removed)
    return len(ids), removed


def create_job(kind: str, params: dict, user_id: int | None) -> Job:
    """Queue a job (add + flush; the caller commits, then calls launch()).

    Started from a page, the job remembers the page's language, host and address: the worker translates
    messages, points QR codes and audits as the request would have."""
    declared = job_kinds().get(kind)
    if declared is None:
        raise ValueError(f"unknown job kind {kind!r}")
    purge_expired()  # old results go as new work comes, even where no one set up the daily purge
    params = dict(params)
    if has_request_context():
        params["_request"] = {"locale": str(get_locale() or ""), "root": request.host_url, "ip": request.remote_addr}
    job = Job(kind=kind, params=params, created_by_id=user_id, priority=declared.priority)
    db.session.add(job)
    db.session.flush()
    return job


def launch(job_id: int) -> None:
    """After the commit that queued it: run the job here when JOBS_RUN_INLINE (tests), else leave it to the
    workers (`flask jobs worker`), which poll the queue every JOBS_POLL_SECONDS."""
    if current_app.config.get("JOBS_RUN_INLINE"):
        run_job(job_id)


def live_workers(now: datetime | None = None) -> int:
    """How many workers have shown signs of life lately."""
    cutoff = (now or utcnow()) - timedelta(seconds=current_app.config["JOBS_DEAD_AFTER_SECONDS"])
    return db.session.scalar(select(func.count()).select_from(JobWorker).where(JobWorker.heartbeat_at >= cutoff))


def waiting_for_worker(job: Job) -> bool:
    """A queued job that no worker will pick up until one starts (its page says so instead of spinning)."""
    return job.state == "queued" and not current_app.config.get("JOBS_RUN_INLINE") and not live_workers()


# --- claiming ---------------------------------------------------------------------------------------------


_claim_statements: dict[tuple[str, bool], object] = {}


def _claim_statement(dialect: str, by_id: bool):
    """The claiming UPDATE (built once per process: statements cost more to build than to run)."""
    key = (dialect, by_id)
    if key not in _claim_statements:
        jobs = Job.__table__
        target = bindparam("job_id") if by_id else _next_job_id(dialect)
        _claim_statements[key] = (
            update(jobs)
            .where(jobs.c.id == target, jobs.c.state == "queued")
            .values(
                state="running",
                claimed_by=bindparam("token"),
                heartbeat_at=bindparam("now"),
                started_at=bindparam("now"),
                attempts=jobs.c.attempts + 1,
            )
            .returning(jobs.c.id)
        )
    return _claim_statements[key]


def _next_job_id(dialect: str):
    """The queued job to start next: the highest priority first; within it each person's jobs take turns
    (round robin), counting the ones already running, so one person's batch of thirty prints does not make
    another's single print wait behind it."""
    jobs = Job.__table__
    job = jobs.alias("candidate")
    queued = (
        select(
            jobs.c.id,
            func.row_number()
            .over(partition_by=(jobs.c.priority, jobs.c.created_by_id), order_by=jobs.c.id)
            .label("turn"),
        )
        .where(jobs.c.state == "queued")
        .subquery("queued")
    )
    busy = (
        select(jobs.c.created_by_id, func.count().label("busy"))
        .where(jobs.c.state == "running")
        .group_by(jobs.c.created_by_id)
        .subquery("busy")
    )
    pick = (
        select(job.c.id)
        .join(queued, queued.c.id == job.c.id)
        .outerjoin(busy, busy.c.created_by_id.is_not_distinct_from(job.c.created_by_id))
        .where(job.c.state == "queued")
        .order_by(job.c.priority.desc(), queued.c.turn + func.coalesce(busy.c.busy, 0), job.c.id)
        .limit(1)
    )
    if dialect == "postgresql":
        # Two workers asking at once: the second skips the row the first is taking instead of waiting for it.
        pick = pick.with_for_update(of=job, skip_locked=True)
    return pick.scalar_subquery()


def claim(owner: str, job_id: int | None = None) -> tuple[int, str] | None:
    """Take the next queued job (or that one) for `owner`; return (job id, claim token) or None.

    One statement: on SQLite it runs under BEGIN IMMEDIATE (one writer at a time), on PostgreSQL the row is
    locked with SKIP LOCKED, and in both the state is checked again by the UPDATE itself."""
    if job_id is None:
        with read_intent():  # an idle worker asks often: no write lock just to see that nothing waits
            waiting = db.session.scalar(select(Job.id).where(Job.state == "queued").limit(1))
            db.session.commit()
        if waiting is None:
            return None
    db.session.commit()
    now = utcnow()
    token = f"{owner}/{now.timestamp():.6f}"
    statement = _claim_statement(db.engine.dialect.name, job_id is not None)
    with write_intent():
        claimed = db.session.execute(statement, {"job_id": job_id, "token": token, "now": now}).scalar()
        db.session.commit()
    return (claimed, token) if claimed is not None else None


def heartbeat(worker_id: str, concurrency: int, now: datetime | None = None) -> None:
    """The worker and the jobs it runs are alive (one short transaction)."""
    now = now or utcnow()
    with write_intent():
        row = db.session.get(JobWorker, worker_id)
        if row is None:
            db.session.add(JobWorker(id=worker_id, concurrency=concurrency, started_at=now, heartbeat_at=now))
        else:
            row.heartbeat_at, row.concurrency = now, concurrency
        mine = Job.claimed_by.startswith(f"{worker_id}/", autoescape=True)
        db.session.execute(update(Job).where(Job.state == "running", mine).values(heartbeat_at=now))
        db.session.commit()


def claims_of(worker_id: str) -> list[tuple[int, str]]:
    """The running jobs this worker holds: (job id, claim token)."""
    mine = Job.claimed_by.startswith(f"{worker_id}/", autoescape=True)
    with read_intent():
        rows = db.session.execute(select(Job.id, Job.claimed_by).where(Job.state == "running", mine)).all()
        db.session.commit()
    return [(job_id, token) for job_id, token in rows]


def unregister(worker_id: str) -> None:
    """The worker stops: it no longer counts as one that will pick up queued jobs."""
    with write_intent():
        db.session.execute(delete(JobWorker).where(JobWorker.id == worker_id))
        db.session.commit()


def _job_locale(params: dict | None) -> str:
    saved = (params or {}).get("_request") or {}
    return saved.get("locale") or current_app.config["BABEL_DEFAULT_LOCALE"]


def give_back(job_id: int, token: str | None, *, died: bool = True) -> str | None:
    """A run ended without recording an outcome (its worker died or was stopped): queue the job again, or,
    after JOBS_MAX_ATTEMPTS runs, fail it with a message a person understands. Return the new state.

    A worker stopped on purpose (deploy) does not count the run as an attempt."""
    mine = (Job.id == job_id, Job.state == "running", Job.claimed_by.is_not_distinct_from(token))
    with read_intent():  # most runs recorded their outcome: no write lock just to find that out
        unfinished = db.session.scalar(select(Job.id).where(*mine))
        db.session.commit()
    if unfinished is None:
        return None
    with write_intent():
        job = db.session.execute(select(Job.attempts, Job.params).where(*mine)).one_or_none()
        if job is None:
            db.session.commit()
            return None
        attempts = job.attempts - (0 if died else 1)
        values: dict = {"state": "queued", "claimed_by": None, "heartbeat_at": None, "attempts": attempts}
        if died and attempts >= current_app.config["JOBS_MAX_ATTEMPTS"]:
            with force_locale(_job_locale(job.params)):
                message = _(
                    "The worker doing it stopped twice before the end (a restart, or not enough memory). "
                    "Try again; if it stops again, ask for less at once (fewer turfs, a smaller file)."
                )
            values = {"state": "failed", "error": message, "finished_at": utcnow(), "heartbeat_at": None}
        db.session.execute(
            update(Job).where(Job.id == job_id, Job.claimed_by.is_not_distinct_from(token)).values(**values)
        )
        db.session.commit()
    current_app.logger.warning("job %s given back (%s): %s", job_id, "died" if died else "stopped", values["state"])
    return values["state"]


def release_dead(now: datetime | None = None) -> list[int]:
    """Give back the running jobs whose worker died (its process is gone, on this host; its heartbeats
    stopped, on another host), and forget dead workers. Any worker calls this now and then."""
    now = now or utcnow()
    cutoff = now - timedelta(seconds=current_app.config["JOBS_DEAD_AFTER_SECONDS"])
    with read_intent():
        rows = db.session.execute(
            select(Job.id, Job.claimed_by, Job.heartbeat_at, Job.started_at).where(Job.state == "running")
        ).all()
        workers = db.session.execute(select(JobWorker.id, JobWorker.heartbeat_at)).all()
        db.session.commit()
    released = []
    for job_id, token, beat, started in rows:
        alive = process_alive(token) if token else None
        if alive is None:
            last = beat or started
            alive = last is not None and aware_utc(last) >= cutoff
        if not alive and give_back(job_id, token) is not None:
            released.append(job_id)
    gone = [worker_id for worker_id, beat in workers if process_alive(worker_id) is False or aware_utc(beat) < cutoff]
    if gone:
        with write_intent():
            db.session.execute(delete(JobWorker).where(JobWorker.id.in_(gone)))
            db.session.commit()
    return released


# --- running ----------------------------------------------------------------------------------------------


class Progress:
    """Handed to a handler: report(done, total) commits progress in its own short transaction; finish()
    records the outcome inside the handler's own transaction (all of its writes and "done", or nothing)."""

    def __init__(self, job_id: int, token: str | None = None):
        self.job_id, self.token, self.finished = job_id, token, False

    def report(self, done: int, total: int | None = None) -> None:
        values = {"done": done} if total is None else {"done": done, "total": total}
        with write_intent(), db.engine.begin() as connection:
            connection.execute(update(Job).where(Job.id == self.job_id).values(**values))

    def finish(self, summary: dict, result: bytes | None = None, name: str | None = None, mimetype=None) -> None:
        """Mark the job done in the session's current transaction (the caller commits); raise ClaimLost when
        the job was given to another run meanwhile, so the caller rolls its work back."""
        if _record(db.session, self.job_id, self.token, "done", summary, result, name, mimetype) == 0:
            raise ClaimLost(self.job_id)
        self.finished = True


def _record(session, job_id, token, state, summary=None, result=None, name=None, mimetype=None, error=None) -> int:
    jobs = Job.__table__
    values = {"state": state, "finished_at": utcnow(), "heartbeat_at": None}
    if state == "done":
        values.update(summary=summary, result=result, result_name=name, result_mimetype=mimetype)
        values["done"] = func.coalesce(jobs.c.total, jobs.c.done)
    else:
        values["error"] = error
    mine = (jobs.c.id == job_id, jobs.c.state == "running", jobs.c.claimed_by.is_not_distinct_from(token))
    return session.execute(update(jobs).where(*mine).values(**values)).rowcount


@contextmanager
def _request_of(job: Job):
    """A request like the one that started the job (language, host, client address), if any."""
    saved = (job.params or {}).get("_request")
    with ExitStack() as stack:
        if saved:
            environ = {"REMOTE_ADDR": saved["ip"]} if saved.get("ip") else {}
            stack.enter_context(current_app.test_request_context(base_url=saved.get("root"), environ_base=environ))
            if saved.get("locale"):
                stack.enter_context(force_locale(saved["locale"]))
        yield


def run_claimed(job_id: int, token: str) -> None:
    """Do a job this run has claimed: progress, then its result or its error (only if still its own)."""
    progress = Progress(job_id, token)
    try:
        with read_intent():  # a deferred read: progress reports (other connections) may write meanwhile
            job = db.session.get(Job, job_id)
        kind = job_kinds().get(job.kind)
        if kind is None:
            with force_locale(_job_locale(job.params)):
                raise LookupError(_("This kind of work is no longer offered here."))
        with read_intent(), _request_of(job):
            summary, result, name, mimetype = kind.handler(job, progress)
            db.session.commit()  # end the read snapshot (or commit the handler's finish()) first
    except ClaimLost:
        db.session.rollback()
        current_app.logger.warning("job %s was given to another worker: this run's work is dropped", job_id)
        return
    except Exception as error:  # noqa: BLE001 - any failure is reported on the job page
        db.session.rollback()
        current_app.logger.exception("job %s failed", job_id)
        with write_intent():
            _record(db.session, job_id, token, "failed", error=str(error)[:2000] or type(error).__name__)
            db.session.commit()
        return
    if not progress.finished:
        with write_intent():
            _record(db.session, job_id, token, "done", summary, result, name, mimetype)
            db.session.commit()


def run_job(job_id: int) -> Job | None:
    """Claim this queued job and do it now, in this process (tests' inline mode, `flask jobs run ID`)."""
    claimed = claim(process_id(), job_id)
    if claimed is not None:
        run_claimed(*claimed)
    db.session.expire_all()
    return db.session.get(Job, job_id)
