"""30 batch prints queued at once, one worker doing 2 at a time: never more than 2 rendering processes,
all 30 done, and another person's single print is not kept waiting behind the batch."""

import io
import time

from pypdf import PdfReader
from sqlalchemy import select

from organizer.extensions import db
from organizer.jobs.models import Job
from organizer.turfs import services as turfs
from organizer.turfs.services import TurfRule
from tests.support.workers import all_finished, children_of, start_worker, stop_worker
from tests.turfs.conftest import add_resident, load_ban_addresses


def _queue_print(client, turf_id: int) -> int:
    location = client.post_form("/turfs/print", {"turf": [turf_id], "bundle": "pdf", "lang": "en"}).location
    return int(location.rsplit("/", 1)[1])


def test_thirty_batch_prints_with_two_at_a_time(app, make_user):
    app.config["JOBS_RUN_INLINE"] = False
    _a, batch_author = make_user("organizer")
    _b, other = make_user("organizer")
    with app.app_context():
        addresses = load_ban_addresses({"rue de la paix"})
        add_resident(addresses[0], "Hélène", "Martin")
        turf_id = turfs.create_turf("Paix", TurfRule(streets=["rue de la paix"])).id
        db.session.commit()
    author, someone = app.test_client(), app.test_client()
    author.login(batch_author)
    someone.login(other)
    batch = [_queue_print(author, turf_id) for _ in range(29)]
    single = _queue_print(someone, turf_id)
    ids = [*batch, single]
    worker = start_worker(app, 2)
    most = 0
    try:
        deadline = time.monotonic() + 240
        while not all_finished(app, ids):
            assert time.monotonic() < deadline, "the prints did not finish"
            most = max(most, len(children_of(worker.pid)))
            time.sleep(0.02)
    finally:
        stop_worker(worker)
    assert most == 2  # both slots used, never a third process
    with app.app_context():
        jobs = db.session.scalars(select(Job).where(Job.id.in_(ids)).order_by(Job.started_at)).all()
        assert {job.state for job in jobs} == {"done"} and {job.attempts for job in jobs} == {1}
        # Never more than two jobs running at the same moment, by the jobs' own start and end times.
        moments = sorted([(job.started_at, 1) for job in jobs] + [(job.finished_at, -1) for job in jobs])
        running = peak = 0
        for _moment, step in moments:
            running += step
            peak = max(peak, running)
        assert peak <= 2
        # The other person's one print started second, not thirtieth.
        assert [job.id for job in jobs].index(single) <= 1
        pdf = db.session.get(Job, single).result
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Paix" in text and "Martin" in text
