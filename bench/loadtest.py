"""Load test on loopback: N virtual users against gunicorn (4 workers), bounded in time and count.

`make loadtest` runs it on SQLite and on a throwaway PostgreSQL cluster; the scenario (what each virtual user
does) lives in bench/load_scenario.py. Each write the server acknowledges is remembered and looked up in the
database afterwards: a missing one is a lost write.
"""

import http.client
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
MAX_REQUESTS_PER_USER = 5000  # a hard bound besides the clock


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Session:
    """A cookie-keeping HTTP client on one keep-alive connection (loopback only)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(form, doseq=True) if form is not None else None
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, OSError):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text, dict(response.getheaders())

    def post_json(self, path: str, payload, token: str) -> tuple[int, str]:
        """POST a JSON body with the CSRF header (what the phone's sync does)."""
        body = json.dumps(payload)
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Content-Type": "application/json",
            "Accept": "application/json",
            "X-CSRFToken": token,
        }
        try:
            self.connection.request("POST", path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, OSError):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.connection.request("POST", path, body=body, headers=headers)
            response = self.connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")

    def csrf(self, path: str) -> str:
        status, text, _ = self.request("GET", path)
        match = CSRF.search(text)
        if not match:
            raise RuntimeError(f"no CSRF token on {path} (status {status})")
        return match.group(1)


@dataclass
class Outcome:
    """What all virtual users saw."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    acknowledged: list = field(default_factory=list)
    # Keys of knocks the phone's sync endpoint acknowledged (saved or already saved).
    synced: set = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def timed(self, kind: str, started: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(time.perf_counter() - started)
            if not ok:
                self.errors.append(f"{kind}: {detail}"[:300])


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))] if ordered else 0.0


def start_gunicorn(database_uri: str, port: int, workers: int = 4, extra_env: dict | None = None) -> subprocess.Popen:
    """gunicorn on 127.0.0.1:port with the app on `database_uri` (and `extra_env` ORGANIZER_* settings)."""
    env = dict(os.environ, ORGANIZER_SQLALCHEMY_DATABASE_URI=database_uri, **(extra_env or {}))
    env["ORGANIZER_SECRET_KEY"] = secrets.token_hex(16)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    # Ready when every worker has booted: several health checks in a row answer.
    deadline, answered = time.monotonic() + 60, 0
    while time.monotonic() < deadline and answered < 2 * workers:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            answered += connection.getresponse().status == 200
            connection.close()
        except OSError:
            time.sleep(0.2)
    if answered < 2 * workers:
        process.kill()
        raise RuntimeError("gunicorn did not start")
    return process


def run_load(database_uri: str, users: int = 20, seconds: float = 60.0, workers: int = 4, city: bool = False) -> dict:
    """Prepare the database (small, or the benches' city), serve it with gunicorn, run the scenario, verify the
    writes; return figures."""
    from bench import load_scenario

    plan = (load_scenario.prepare_city if city else load_scenario.prepare)(database_uri, users)
    port = free_port()
    server = start_gunicorn(database_uri, port, workers)
    outcome = Outcome()
    try:
        deadline = time.monotonic() + seconds

        def virtual_user(spec):
            session = Session(port)
            try:
                load_scenario.sign_in(session, spec, outcome)
                for _ in range(MAX_REQUESTS_PER_USER):
                    if time.monotonic() >= deadline:
                        break
                    load_scenario.step(session, spec, outcome)
            except Exception as error:  # noqa: BLE001 - counted as an error, the run goes on
                outcome.timed("crash", time.perf_counter(), False, repr(error))

        threads = [threading.Thread(target=virtual_user, args=(spec,)) for spec in plan]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(seconds + 60)
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(30)
    lost = load_scenario.verify(database_uri, outcome.acknowledged)
    sync_lost, sync_duplicated = load_scenario.verify_sync(database_uri, outcome.synced)
    all_latencies = [v for values in outcome.latencies.values() for v in values]
    return {
        "users": users,
        "seconds": round(elapsed, 1),
        "requests": len(all_latencies),
        "requests_per_second": round(len(all_latencies) / elapsed, 1),
        "errors": len(outcome.errors),
        "error_samples": outcome.errors[:5],
        "acknowledged_writes": len(outcome.acknowledged),
        "lost_writes": lost,
        "synced_knocks": len(outcome.synced),
        "synced_lost": sync_lost,
        "synced_duplicated": sync_duplicated,
        "p50_ms": round(1000 * percentile(all_latencies, 0.5), 1),
        "p95_ms": round(1000 * percentile(all_latencies, 0.95), 1),
        "by_kind": {
            kind: {
                "count": len(v),
                "p95_ms": round(1000 * percentile(v, 0.95), 1),
                "median_ms": round(1000 * statistics.median(v), 1),
            }
            for kind, v in outcome.latencies.items()
        },
    }


def main() -> int:
    """Run on SQLite and PostgreSQL; print and save the figures; fail on any error or lost write."""
    seconds = float(os.environ.get("LOAD_SECONDS", 60))
    users = int(os.environ.get("LOAD_USERS", 20))
    # The benches' city by default; LOAD_DATASET=small for 30 doors per user and 3,000 other residents.
    city = os.environ.get("LOAD_DATASET", "city") != "small"
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        results["sqlite"] = run_load(f"sqlite:///{folder}/load.sqlite3", users, seconds, city=city)
        print("sqlite", json.dumps(results["sqlite"], indent=2), flush=True)
    sys.path.insert(0, str(ROOT))
    from tests.support.postgres import throwaway_cluster

    pg_folder = tempfile.mkdtemp(prefix="organizer-pg-")
    with throwaway_cluster(pg_folder) as url:
        results["postgresql"] = run_load(url, users, seconds, city=city)
        print("postgresql", json.dumps(results["postgresql"], indent=2), flush=True)
    out = ROOT / "bench-results" / "load.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    failed = any(
        r["errors"] or r["lost_writes"] or r["synced_lost"] or r["synced_duplicated"] for r in results.values()
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
