"""Load on the public sign-up page: 200 sign-ups in a minute under gunicorn (4 workers), loopback only.

    .venv/bin/python -m bench.signup_load            # SQLite (LOAD_DATABASE=postgresql for a throwaway cluster)

Each neighbour is a fresh browser session from its own address (X-Forwarded-For behind one trusted proxy hop):
GET the page, POST the form. One more "address" tries 30 times: the per-address limit must hold. Afterwards every
acknowledged sign-up is looked up (resident, RSVP, sign-up row) and the confirmation e-mails, sent by one job
worker, are counted on a loopback SMTP server (aiosmtpd). Bounded: SIGNUPS (200) sign-ups, SIGNUP_SECONDS (60)
of pacing, a 120 s wait for mail.
"""

import http.client
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

from bench.loadtest import CSRF, ROOT, free_port, percentile, start_gunicorn

SIGNUPS = int(os.environ.get("SIGNUPS", 200))
SECONDS = float(os.environ.get("SIGNUP_SECONDS", 60))
THREADS = 10
ABUSER = "203.0.113.7"
ABUSER_TRIES = 30
PER_ADDRESS = 5


def prepare(database_uri: str) -> str:
    """Migrate, create an organizer, a campaign and an action with a published page; return its code."""
    env = dict(os.environ, ORGANIZER_SQLALCHEMY_DATABASE_URI=database_uri, ORGANIZER_SECRET_KEY="prepare")
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    from datetime import UTC, datetime, timedelta

    from organizer import create_app
    from organizer.auth import services as auth_services
    from organizer.campaigns import services as campaigns
    from organizer.extensions import db
    from organizer.signup import services as signup

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_uri, "SECRET_KEY": "prepare"})
    with app.app_context():
        user, _ = auth_services.create_user("orga@example.org", "Orga", "organizer", password="load test password")
        db.session.flush()
        campaign = campaigns.save_campaign(
            None,
            {"name": "Charge", "status": "active"},
            by=user,
            lead_id=user.id,
            team_ids=[],
            issue_ids=[],
            stakeholders=[],
            primary_target_id=None,
            secondary_target_ids=[],
        )
        action = campaigns.save_action(
            None,
            campaign,
            {
                "kind": "rally",
                "title": "Rassemblement devant la mairie",
                "place": "Place de la mairie",
                "starts_at": datetime.now(UTC) + timedelta(days=5),
                "turnout_goal": 250,
            },
            [campaigns.DemandRow(text="Un moratoire sur les expulsions", answer="no_answer")],
            by=user,
        )
        page = signup.set_published(action, True)
        db.session.commit()
        code = page.code
    with app.app_context():
        db.engine.dispose()
    return code


class Browser:
    """One neighbour's browser: cookies, and the address the proxy reports for it."""

    def __init__(self, port: int, address: str):
        self.port, self.address, self.cookies = port, address, {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        body = urllib.parse.urlencode(form) if form is not None else None
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "X-Forwarded-For": self.address,
            "Accept-Language": "fr-FR",
        }
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        return response.status, text

    def sign_up(self, path: str, number: int) -> tuple[int, float]:
        """GET the page, POST the form; returns (status of the POST, seconds for both)."""
        started = time.perf_counter()
        _status, page = self.request("GET", path)
        token = CSRF.search(page).group(1)
        form = {
            "csrf_token": token,
            "first_name": f"Voisine{number}",
            "last_name": "Charge",
            "email": f"voisine{number}@example.org",
            "phone": "",
            "party_size": "2",
            "consent": "y",
            "website": "",
        }
        status, _ = self.request("POST", path, form)
        return status, time.perf_counter() - started


def verify(database_uri: str, emails: list[str], abuser_emails: list[str]) -> dict:
    """How many acknowledged sign-ups are in the database (resident, RSVP yes, sign-up row)."""
    from sqlalchemy import func, select

    from organizer import create_app
    from organizer.campaigns.models import Attendee
    from organizer.extensions import db
    from organizer.residents.models import Resident
    from organizer.turnout.models import Signup

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_uri, "SECRET_KEY": "verify"})
    with app.app_context():
        found = db.session.scalar(
            select(func.count(Resident.id))
            .join(Attendee, Attendee.resident_id == Resident.id)
            .join(Signup, Signup.resident_id == Resident.id)
            .where(Resident.email.in_(emails), Attendee.rsvp == "yes", Resident.email_consent.is_(True))
        )
        abuser_kept = db.session.scalar(select(func.count(Resident.id)).where(Resident.email.in_(abuser_emails)))
        db.engine.dispose()
    return {"found": found, "abuser_kept": abuser_kept}


def start_job_worker(database_uri: str, settings: dict) -> subprocess.Popen:
    """The confirmations leave through the job queue: one worker, as `make run` starts it."""
    return subprocess.Popen(  # noqa: S603 - our own interpreter and app
        [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker", "--concurrency", "1"],
        cwd=ROOT,
        env=dict(os.environ, ORGANIZER_SQLALCHEMY_DATABASE_URI=database_uri, **settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop_job_worker(worker: subprocess.Popen) -> None:
    """SIGTERM: the job it runs finishes first; killed if it hangs."""
    worker.terminate()
    try:
        worker.wait(60)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(5)


def run(database_uri: str) -> dict:
    """The whole measurement on one database."""
    from tests.turnout.smtp import SmtpServer

    code = prepare(database_uri)
    smtp = SmtpServer()
    smtp.start()
    port = free_port()
    settings = {
        "ORGANIZER_PROXY_FIX_HOPS": "1",
        "ORGANIZER_MAIL_SERVER": "127.0.0.1",
        "ORGANIZER_MAIL_PORT": str(smtp.port),
        "ORGANIZER_MAIL_SENDER": "equipe@example.org",
        "ORGANIZER_PUBLIC_URL": f"http://127.0.0.1:{port}/",
        "ORGANIZER_SIGNUP_MAX_PER_ADDRESS": str(PER_ADDRESS),
        "ORGANIZER_SECRET_KEY": secrets.token_hex(16),
    }
    server = start_gunicorn(database_uri, port, 4, settings)
    worker = start_job_worker(database_uri, settings)
    path = f"/s/{code}"
    acknowledged, latencies, errors, abuser = [], [], [], {"accepted": [], "refused": 0}
    lock = threading.Lock()
    started = time.monotonic()
    try:

        def neighbours(offset: int):
            for k in range(offset, SIGNUPS, THREADS):
                # Paced: sign-up k leaves at k * SECONDS / SIGNUPS.
                time.sleep(max(0.0, started + k * SECONDS / SIGNUPS - time.monotonic()))
                browser = Browser(port, f"10.{k // 65536 % 256}.{k // 256 % 256}.{k % 256}")
                try:
                    status, seconds = browser.sign_up(path, k)
                except Exception as error:  # noqa: BLE001 - counted, the run goes on
                    with lock:
                        errors.append(repr(error)[:200])
                    continue
                with lock:
                    latencies.append(seconds)
                    if status == 302:
                        acknowledged.append(f"voisine{k}@example.org")
                    else:
                        errors.append(f"sign-up {k}: status {status}")

        def abuse():
            for k in range(ABUSER_TRIES):
                time.sleep(SECONDS / ABUSER_TRIES)
                status, _ = Browser(port, ABUSER).sign_up(path, 100000 + k)
                if status == 302:
                    abuser["accepted"].append(f"voisine{100000 + k}@example.org")
                elif status == 429:
                    abuser["refused"] += 1
                else:
                    errors.append(f"abuser: status {status}")

        threads = [threading.Thread(target=neighbours, args=(n,)) for n in range(THREADS)]
        threads.append(threading.Thread(target=abuse))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(SECONDS + 120)
        elapsed = time.monotonic() - started
        expected_mail = len(acknowledged) + len(abuser["accepted"])
        mail_deadline = time.monotonic() + 120
        while len(smtp.collector.messages) < expected_mail and time.monotonic() < mail_deadline:
            time.sleep(1)
        mail_wait = time.monotonic() - started - elapsed
    finally:
        server.terminate()
        server.wait(30)
        stop_job_worker(worker)
        smtp.stop()
    check = verify(database_uri, acknowledged, abuser["accepted"])
    return {
        "signups_sent": SIGNUPS,
        "acknowledged": len(acknowledged),
        "found_in_database": check["found"],
        "lost": len(acknowledged) - check["found"],
        "errors": len(errors),
        "error_samples": errors[:5],
        "seconds": round(elapsed, 1),
        "p50_ms": round(1000 * percentile(latencies, 0.5), 1),
        "p95_ms": round(1000 * percentile(latencies, 0.95), 1),
        "max_ms": round(1000 * max(latencies or [0]), 1),
        "one_address": {
            "tries": ABUSER_TRIES,
            "accepted": len(abuser["accepted"]),
            "refused_429": abuser["refused"],
            "limit": PER_ADDRESS,
            "kept_in_database": check["abuser_kept"],
        },
        "confirmation_emails_received": len(smtp.collector.messages),
        "confirmation_emails_expected": expected_mail,
        "seconds_until_last_email": round(mail_wait, 1),
    }


def main() -> int:
    """Run once (SQLite, or PostgreSQL with LOAD_DATABASE=postgresql); print and save; fail on any loss."""
    sys.path.insert(0, str(ROOT))
    if os.environ.get("LOAD_DATABASE") == "postgresql":
        from tests.support.postgres import throwaway_cluster

        with throwaway_cluster(tempfile.mkdtemp(prefix="organizer-pg-")) as url:
            result = {"postgresql": run(url)}
    else:
        with tempfile.TemporaryDirectory() as folder:
            result = {"sqlite": run(f"sqlite:///{folder}/signup-load.sqlite3")}
    print(json.dumps(result, indent=2))
    out = ROOT / "bench-results" / "signup_load.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    figures = next(iter(result.values()))
    ok = (
        not figures["lost"]
        and not figures["errors"]
        and figures["acknowledged"] == SIGNUPS
        and figures["one_address"]["accepted"] == PER_ADDRESS
        and figures["confirmation_emails_received"] == figures["confirmation_emails_expected"]
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
