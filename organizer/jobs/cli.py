"""`flask jobs worker|run|status|purge`: the workers that do background jobs, and their upkeep."""

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from organizer.extensions import db
from organizer.jobs import services
from organizer.jobs.models import Job
from organizer.jobs.worker import Worker

jobs_cli = AppGroup("jobs", help="Background work.")


@jobs_cli.command("worker")
@click.option("--concurrency", "-c", type=click.IntRange(min=1), default=None, help="Jobs at once (processes).")
@click.option("--max-jobs", type=click.IntRange(min=1), default=None, help="Stop after this many (tests).")
def worker(concurrency: int | None, max_jobs: int | None):
    """Take queued jobs and do them, N at a time, until stopped (Ctrl-C or SIGTERM: running jobs finish)."""
    app = current_app._get_current_object()
    Worker(app, concurrency or app.config["JOBS_WORKER_CONCURRENCY"]).run(max_jobs=max_jobs)


@jobs_cli.command("run")
@click.argument("job_id", type=int)
def run(job_id: int):
    """Do one queued job now, in this process (for debugging; workers do it otherwise)."""
    job = services.run_job(job_id)
    if job is None:
        raise click.ClickException(f"no job {job_id}")
    click.echo(f"job {job.id} {job.state}")


@jobs_cli.command("status")
def status():
    """Jobs by state, and the workers alive."""
    counts = dict(db.session.execute(select(Job.state, func.count()).group_by(Job.state)).all())
    click.echo(" ".join(f"{state}={counts.get(state, 0)}" for state in ("queued", "running", "done", "failed")))
    click.echo(f"workers alive: {services.live_workers()}")


@jobs_cli.command("purge")
def purge():
    """Delete jobs, their results and job files older than JOBS_RETENTION_DAYS (run it daily)."""
    jobs, files = services.purge_expired()
    db.session.commit()
    click.echo(f"{jobs} jobs and {files} files deleted")


COMMANDS = [jobs_cli]
