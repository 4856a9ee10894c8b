"""Real `flask jobs worker` processes for tests, with short heartbeats, and helpers to watch jobs."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from organizer.extensions import db
from organizer.jobs.models import Job

ROOT = Path(__file__).resolve().parents[2]
# Fast clocks for tests: a worker looks for work every 50 ms, beats every 200 ms, is dead after 2 s silent.
FAST = {"JOBS_POLL_SECONDS": "0.05", "JOBS_HEARTBEAT_SECONDS": "0.2", "JOBS_DEAD_AFTER_SECONDS": "2"}


def start_worker(app, concurrency: int = 2, instance: Path | None = None, **env) -> subprocess.Popen:
    """A worker process on the app's database (its own session: a test may kill its whole group)."""
    variables = dict(os.environ)
    variables.update({f"ORGANIZER_{key}": value for key, value in FAST.items()})
    variables.update(
        ORGANIZER_SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        ORGANIZER_SECRET_KEY=app.config["SECRET_KEY"],
        ORGANIZER_BABEL_DEFAULT_LOCALE=app.config["BABEL_DEFAULT_LOCALE"],
        QUEUE_TEST_INSTANCE=str(instance or app.instance_path),
    )
    variables.update({key: str(value) for key, value in env.items()})
    command = [sys.executable, "-m", "flask", "--app", "tests.support.queue_app", "jobs", "worker"]
    return subprocess.Popen(  # noqa: S603 - our own interpreter and app
        [*command, "--concurrency", str(concurrency)], cwd=ROOT, env=variables, start_new_session=True
    )


def stop_worker(process: subprocess.Popen, timeout: float = 20) -> int:
    """SIGTERM (running jobs finish), then wait; kill the group if it hangs."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)
        raise


@contextlib.contextmanager
def running_worker(app, concurrency: int = 2, **env):
    """A worker for the duration of the block."""
    process = start_worker(app, concurrency, **env)
    try:
        yield process
    finally:
        stop_worker(process)


def wait_until(predicate, timeout: float = 30, interval: float = 0.05, message: str = "timed out"):
    """Poll until predicate() is truthy; return its value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(message)


def states(app, ids=None) -> dict[int, str]:
    """Job id -> state (fresh read)."""
    with app.app_context():
        query = select(Job.id, Job.state)
        if ids is not None:
            query = query.where(Job.id.in_(list(ids)))
        rows = dict(db.session.execute(query).all())
        db.session.remove()
        return rows


def all_finished(app, ids) -> bool:
    """Whether every one of these jobs is done or failed."""
    found = states(app, ids)
    return len(found) == len(ids) and all(state in ("done", "failed") for state in found.values())


def children_of(pid: int) -> list[int]:
    """The child processes of `pid` (Linux /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(child) for child in (task / "children").read_text().split()]
    return found
