"""Queue, run and report background jobs. Handlers register by kind; the web starts a worker process."""

import os
import subprocess
import sys
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import current_app, has_request_context, request
from flask_babel import force_locale, get_locale
from sqlalchemy import delete, func, select, update

from organizer.db import read_intent, utcnow, write_intent
from organizer.extensions import db
from organizer.jobs.models import Job

# kind -> handler(job, progress) returning (summary dict, result bytes | None, result name, mimetype).
JOB_HANDLERS: dict[str, Callable] = {}


def job_handler(kind: str) -> Callable:
    """Register the function that does a kind of job (decorator).

    The handler runs with deferred transactions, so its reads never block the web's writers. A handler
    that writes commits what it read first, then writes inside `with write_intent():` and commits."""

    def register(function: Callable) -> Callable:
        JOB_HANDLERS[kind] = function
        return function

    return register


# Instance sub-folders where features keep files for their jobs (uploads, error reports): purged with the jobs.
# Features add theirs (e.g. JOB_FOLDERS.add("imports")).
JOB_FOLDERS: set[str] = set()


def purge_expired(now: datetime | None = None) -> tuple[int, int]:
    """Delete jobs (with their results) and job files older than JOBS_RETENTION_DAYS; return both counts."""
    from organizer.audit import services as audit

    cutoff = (now or utcnow()) - timedelta(days=current_app.config["JOBS_RETENTION_DAYS"])
    ids = db.session.scalars(select(Job.id).where(Job.created_at < cutoff)).all()
    if ids:
        db.session.execute(delete(Job).where(Job.id.in_(ids)))
    files = 0
    for name in sorted(JOB_FOLDERS):
        folder = Path(current_app.instance_path) / name
        for path in folder.iterdir() if folder.is_dir() else ():
            if path.is_file() and datetime.fromtimestamp(path.stat().st_mtime, UTC) < cutoff:
                path.unlink(missing_ok=True)
                files += 1
    if ids or files:
        audit.record("jobs.purge", None, jobs=len(ids), files=files)
    return len(ids), files


# Kinds whose results name no resident (the audit log export holds ids and account names only).
KINDS_WITHOUT_RESIDENTS: set[str] = {"audit.export"}
FINISHED = ("done", "failed")


def holding_residents() -> dict[str, int]:
    """What job results and job files may hold residents' data right now (for a subject-access copy: the jobs'
    `stored_copies` contribution, organizer.jobs.contributions)."""
    results = db.session.scalar(
        select(func.count(Job.id)).where(Job.result.is_not(None), Job.kind.not_in(sorted(KINDS_WITHOUT_RESIDENTS)))
    )
    files = sum(1 for name in sorted(JOB_FOLDERS) for path in _folder_files(name))
    return {"job_results": results or 0, "job_files": files}


def _folder_files(name: str) -> list[Path]:
    folder = Path(current_app.instance_path) / name
    return [path for path in folder.iterdir() if path.is_file()] if folder.is_dir() else []


def forget_residents(_resident_ids: list[int] | None = None) -> dict[str, int]:
    """On an erasure: delete every finished job's result and every job file that may hold residents (walk
    sheet PDFs, uploads, rejects, row reports). They are not searchable for one person, so none is kept: the
    work can be started again and will leave the erased out. The jobs' eraser (organizer.jobs.contributions),
    run by organizer.privacy.services.erase_residents."""
    result = db.session.execute(
        update(Job)
        .where(Job.state.in_(FINISHED), Job.result.is_not(None), Job.kind.not_in(sorted(KINDS_WITHOUT_RESIDENTS)))
        .values(result=None, result_name=None, result_mimetype=None)
        .execution_options(synchronize_session=False)
    )
    removed = 0
    for name in sorted(JOB_FOLDERS):
        for path in _folder_files(name):
            path.unlink(missing_ok=True)
            removed += 1
    return {"job_results_deleted": result.rowcount or 0, "job_files_deleted": removed}


def create_job(kind: str, params: dict, user_id: int | None) -> Job:
    """Queue a job (add + flush; the caller commits, then calls launch()).

    Started from a page, the job remembers the page's language, host and address: the worker translates
    messages, points QR codes and audits as the request would have."""
    if kind not in JOB_HANDLERS:
        raise ValueError(f"unknown job kind {kind!r}")
    purge_expired()  # old results go as new work comes, even where no one set up the daily purge
    params = dict(params)
    if has_request_context():
        params["_request"] = {"locale": str(get_locale() or ""), "root": request.host_url, "ip": request.remote_addr}
    job = Job(kind=kind, params=params, created_by_id=user_id)
    db.session.add(job)
    db.session.flush()
    return job


def launch(job_id: int) -> None:
    """Run the job in a separate process, so no web worker is held past its timeout."""
    if current_app.config.get("JOBS_RUN_INLINE"):
        run_job(job_id)
        return
    root = Path(current_app.root_path).parent
    env = dict(os.environ)
    for key in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY"):
        env[f"ORGANIZER_{key}"] = str(current_app.config[key])
    subprocess.Popen(  # noqa: S603 - fixed argv, our own interpreter and app
        [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "run", str(job_id)],
        cwd=root,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


class Progress:
    """Handed to a handler: report(done, total) commits progress in its own short transaction."""

    def __init__(self, job_id: int):
        self.job_id = job_id

    def report(self, done: int, total: int | None = None) -> None:
        values = {"done": done} if total is None else {"done": done, "total": total}
        with write_intent(), db.engine.begin() as connection:
            connection.execute(update(Job).where(Job.id == self.job_id).values(**values))


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


def run_job(job_id: int) -> Job:
    """Do the job now (in the worker process): state, progress, result or error."""
    job = db.session.get(Job, job_id)
    if job is None or job.state != "queued":
        return job
    job.state, job.started_at = "running", utcnow()
    db.session.commit()
    try:
        with read_intent(), _request_of(job):
            summary, result, name, mimetype = JOB_HANDLERS[job.kind](job, Progress(job.id))
            db.session.commit()  # end the read snapshot before recording the outcome
    except Exception as error:  # noqa: BLE001 - any failure is reported on the job page
        db.session.rollback()
        job = db.session.get(Job, job_id)
        job.state, job.finished_at = "failed", utcnow()
        job.error = str(error)[:2000] or type(error).__name__
        current_app.logger.exception("job %s failed", job_id)
    else:
        job = db.session.get(Job, job_id)
        job.state, job.finished_at = "done", utcnow()
        job.summary, job.result, job.result_name, job.result_mimetype = summary, result, name, mimetype
        if job.total is not None:
            job.done = job.total
    db.session.commit()
    return job
