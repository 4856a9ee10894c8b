"""The app as `flask --app tests.support.queue_app jobs worker` runs it in queue tests: the real worker,
plus two tiny job kinds, an instance folder of its own, and (when asked) an import that pauses mid-write
so a test can kill it there.

Environment: QUEUE_TEST_INSTANCE (instance folder), QUEUE_TEST_PAUSE (a marker path: the import writes its
rows, then the marker with its process id, then waits; only on the first run unless QUEUE_TEST_PAUSE_ALWAYS)."""

import os
import time
from pathlib import Path

from organizer import create_app
from organizer.audit import services as audit
from organizer.db import write_intent
from organizer.extensions import db
from organizer.kernel.contributions import REGISTRY_KEY, JobKind


def note(job, progress):
    """A small job with one visible side effect per run: an audit event naming the job."""
    time.sleep(job.params.get("sleep", 0))
    job_id = job.id
    db.session.commit()
    with write_intent():
        audit.record("test.ran", ("jobs", job_id), pid=os.getpid())
        progress.finish({"ran": 1})
        db.session.commit()
    return {"ran": 1}, None, None, None


TEST_KINDS = (JobKind("test.note", note, "Test note"),)


def add_test_kinds(app) -> None:
    """Make the test kinds known to this app's registry (the web side of a test calls it too)."""
    for kind in TEST_KINDS:
        app.extensions[REGISTRY_KEY].job_kinds[kind.kind] = kind


def _pause_imports(marker: Path, always: bool) -> None:
    from organizer.residents import importing

    original = importing._Writer.write

    def write(self, records):
        original(self, records)
        db.session.flush()
        if always or not marker.exists():
            marker.write_text(str(os.getpid()))
            time.sleep(60)  # killed here: the rows are written but not committed

    importing._Writer.write = write


app = create_app()
if os.environ.get("QUEUE_TEST_INSTANCE"):
    app.instance_path = os.environ["QUEUE_TEST_INSTANCE"]
add_test_kinds(app)
if os.environ.get("QUEUE_TEST_PAUSE"):
    _pause_imports(Path(os.environ["QUEUE_TEST_PAUSE"]), bool(os.environ.get("QUEUE_TEST_PAUSE_ALWAYS")))
