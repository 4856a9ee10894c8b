"""`flask jobs worker --concurrency N`: a fixed number of job processes, on any number of hosts.

The database is the queue: the worker claims a job with one atomic UPDATE (services.claim), then forks a
child that does it and exits, so each job's memory (a WeasyPrint render, a big import) goes back to the
system when it ends and a crash takes only that job. The worker itself does no work: it heartbeats its
jobs, notices a child that died (the job goes back to the queue once, then fails with a message), gives
back the jobs of workers that died elsewhere, and on SIGTERM/SIGINT stops taking jobs and lets the running
ones finish for JOBS_STOP_GRACE_SECONDS (a second signal stops them now; they are queued again).
Children die with their worker (PR_SET_PDEATHSIG), so a job never outlives the worker that holds it."""

import contextlib
import ctypes
import os
import select
import signal
import time

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from organizer.extensions import db
from organizer.jobs import services

PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Ask the kernel to kill this child when its worker dies (Linux); elsewhere heartbeats still tell."""
    # The running program's own symbols (libc among them): find_library would start a subprocess per job.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the worker died before prctl took effect
        os._exit(1)


class Worker:
    """One worker process and its children (at most `concurrency` jobs at once)."""

    def __init__(self, app: Flask, concurrency: int):
        self.app, self.concurrency = app, max(1, concurrency)
        self.id = services.process_id()
        self.children: dict[int, tuple[int, str]] = {}  # child pid -> (job id, claim token)
        self.stop_at: float | None = None  # when running jobs are stopped (after the first signal)
        self.killed: set[int] = set()  # children stopped on purpose: their runs do not count
        self.jobs_started = 0

    # Signals only set flags (and wake the loop through the wakeup pipe): no database work in a handler.
    def _on_stop(self, _signum, _frame) -> None:
        grace = self.app.config["JOBS_STOP_GRACE_SECONDS"]
        self.stop_at = time.monotonic() if self.stop_at is not None else time.monotonic() + grace

    def run(self, max_jobs: int | None = None) -> None:
        """Take and do jobs until stopped (or after `max_jobs`, for tests and benches)."""
        wake_r, wake_w = os.pipe()
        os.set_blocking(wake_w, False)
        os.set_blocking(wake_r, False)
        signal.set_wakeup_fd(wake_w)
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._on_stop)
        signal.signal(signal.SIGCHLD, lambda *_: None)  # wakes the loop when a child ends
        config = self.app.config
        with self.app.app_context():
            self._warm_up()
            self.app.logger.info("jobs worker %s: %s at once", self.id, self.concurrency)
            next_beat = 0.0
            try:
                while True:
                    self._reap()
                    if self.stop_at is not None or (max_jobs is not None and self.jobs_started >= max_jobs):
                        if not self.children:
                            break
                        if self.stop_at is not None and time.monotonic() >= self.stop_at:
                            self._kill_children()
                    try:
                        if time.monotonic() >= next_beat:
                            services.heartbeat(self.id, self.concurrency)
                            services.release_dead()
                            self._give_back_orphans()
                            next_beat = time.monotonic() + config["JOBS_HEARTBEAT_SECONDS"]
                        self._fill(max_jobs)
                    except SQLAlchemyError:
                        # The database restarting, or locked too long: keep the jobs running, try again soon.
                        self.app.logger.exception("jobs worker %s: database error", self.id)
                        db.session.rollback()
                    db.session.remove()
                    timeout = min(config["JOBS_POLL_SECONDS"], max(0.0, next_beat - time.monotonic()))
                    select.select([wake_r], [], [], timeout)
                    try:
                        while os.read(wake_r, 512):
                            pass
                    except BlockingIOError:
                        pass
            finally:
                self._kill_children()
                self._reap()
                services.unregister(self.id)
                db.session.remove()
                signal.set_wakeup_fd(-1)
                os.close(wake_r)
                os.close(wake_w)

    def _give_back_orphans(self) -> None:
        """Jobs this worker holds with no process doing them (their end could not be recorded): queue again."""
        mine = {token for _job, token in self.children.values()}
        for job_id, token in services.claims_of(self.id):
            if token not in mine:
                services.give_back(job_id, token)

    def _warm_up(self) -> None:
        # Every handler imported and every engine warmed once, before forking: each job process starts ready
        # and shares those pages with the worker instead of loading them again.
        for kind in services.job_kinds().values():
            if kind.warm_up is not None:
                try:
                    kind.warm_up()
                except Exception:  # noqa: BLE001 - a cold start is slower, not wrong
                    self.app.logger.exception("warming up %s failed", kind.kind)
        db.session.remove()

    def _fill(self, max_jobs: int | None) -> None:
        while self.stop_at is None and len(self.children) < self.concurrency:
            if max_jobs is not None and self.jobs_started >= max_jobs:
                return
            claimed = services.claim(self.id)
            if claimed is None:
                return
            self.jobs_started += 1
            self._fork(*claimed)

    def _fork(self, job_id: int, token: str) -> None:
        db.session.remove()  # no connection checked out while forking
        parent = os.getpid()
        pid = os.fork()
        if pid:
            self.children[pid] = (job_id, token)
            return
        code = 1
        try:
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the worker, which decides for its jobs
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            _die_with_parent(parent)
            for engine in db.engines.values():
                engine.dispose(close=False)  # the worker's connections stay the worker's
            services.run_claimed(job_id, token)
            db.session.remove()
            code = 0
        except BaseException:  # noqa: BLE001 - the child must never return into the worker's loop
            self.app.logger.exception("job %s: the job process failed", job_id)
        finally:
            os._exit(code)

    def _reap(self) -> None:
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                pid, status = 0, 0
            if pid == 0:
                return
            job_id, token = self.children.pop(pid, (None, None))
            if job_id is None:
                continue
            # A child that ended without recording an outcome died (killed, out of memory): the job goes back.
            died = pid not in self.killed
            self.killed.discard(pid)
            try:
                if services.give_back(job_id, token, died=died) is not None:
                    self.app.logger.warning("job %s: its process ended with status %s", job_id, status)
            except SQLAlchemyError:  # given back later, as an orphan
                self.app.logger.exception("job %s: could not be given back yet", job_id)
                db.session.rollback()

    def _kill_children(self) -> None:
        for pid in list(self.children):
            self.killed.add(pid)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 5
        while self.children and time.monotonic() < deadline:
            self._reap()
            time.sleep(0.02)
