"""`flask jobs run ID`: the worker process the web starts for long work."""

import click
from flask.cli import AppGroup

from organizer.jobs import services

jobs_cli = AppGroup("jobs", help="Background work.")


@jobs_cli.command("run")
@click.argument("job_id", type=int)
def run(job_id: int):
    """Run one queued job and record its outcome."""
    job = services.run_job(job_id)
    if job is None:
        raise click.ClickException(f"no job {job_id}")
    click.echo(f"job {job.id} {job.state}")


@jobs_cli.command("purge")
def purge():
    """Delete jobs, their results and job files older than JOBS_RETENTION_DAYS (run it daily)."""
    from organizer.extensions import db

    jobs, files = services.purge_expired()
    db.session.commit()
    click.echo(f"{jobs} jobs and {files} files deleted")


COMMANDS = [jobs_cli]
