"""Long work (big imports, batch walk sheets) queued in the database and done by worker processes."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from organizer.db import utcnow
from organizer.extensions import db
from organizer.kernel.time import UTCDateTime

JOB_STATES = ("queued", "running", "done", "failed")


class Job(db.Model):
    """One piece of background work; the page that started it polls its progress."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None] = mapped_column(Integer)
    # A short, translatable-free summary for the page (counts), never personal data.
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    result_name: Mapped[str | None] = mapped_column(String(120))
    result_mimetype: Mapped[str | None] = mapped_column(String(80))
    result: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Runs started (a worker that died mid-job costs one; the second death fails the job).
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Which run owns the job while it is running ("host:pid:start/claim"): only that run may record the outcome.
    claimed_by: Mapped[str | None] = mapped_column(String(160))
    # Refreshed by the owning worker while it lives; a stale one means the worker died.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Its kind's priority when it was queued (JobKind.priority): higher ones are taken first.
    priority: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))


class JobWorker(db.Model):
    """A running `flask jobs worker`, so a queued job's page can say whether anyone will pick it up."""

    __tablename__ = "job_workers"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)  # "host:pid:start"
    concurrency: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class JobFile(db.Model):
    """A file a job reads or leaves (an upload waiting for its import, a report), readable from any host."""

    __tablename__ = "job_files"
    __table_args__ = (UniqueConstraint("folder", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    folder: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
