"""Requests per second under gunicorn (4 workers): the resident list against the app's own /healthz.

Both are served by the same gunicorn on the shared data set and driven by the same loopback client
(keep-alive connections, signed in as an organizer for the list). /healthz is the app's hello-world: it
passes through the same request hooks and asks the database for one row. The client runs on the same
2 cores as the server, so the figure compares the two routes, not the machine's capacity.
"""

import threading
import time

from bench.loadtest import Session, free_port, start_gunicorn

CLIENTS = 8
SECONDS = 15.0


def throughput(port: int, path: str, cookies: dict, clients: int = CLIENTS, seconds: float = SECONDS) -> tuple:
    """(requests per second, errors) of `clients` keep-alive connections asking for `path` for `seconds`."""
    counts, errors, lock = [0], [], threading.Lock()
    deadline = time.monotonic() + seconds

    def client():
        session = Session(port)
        session.cookies = dict(cookies)
        done = 0
        while time.monotonic() < deadline:
            status, _text, _headers = session.request("GET", path)
            if status != 200:
                with lock:
                    errors.append(status)
            done += 1
        with lock:
            counts[0] += done

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    return counts[0] / (time.perf_counter() - started), len(errors)


def sign_in(port: int, dataset) -> dict:
    """The cookies of an organizer signed in through the real form."""
    session = Session(port)
    token = session.csrf("/login")
    status, _text, _headers = session.request(
        "POST", "/login", {"csrf_token": token, "email": dataset.organizer_email, "password": dataset.password}
    )
    assert status == 302, status
    return session.cookies


def run(report) -> None:
    for label in report.databases.labels:
        dataset = report.databases.dataset(label)
        port = free_port()
        server = start_gunicorn(dataset.url, port, workers=4)
        try:
            cookies = sign_in(port, dataset)
            throughput(port, "/residents/", cookies, seconds=2)  # warm every worker
            hello, hello_errors = throughput(port, "/healthz", {})
            listing, list_errors = throughput(port, "/residents/", cookies)
        finally:
            server.terminate()
            server.wait(30)
        assert hello_errors == 0 and list_errors == 0, (hello_errors, list_errors)
        report.add(
            f"requests/s, resident list (100k), gunicorn 4 workers ({label})",
            listing,
            hello,
            unit="req/s",
            aim="vs /healthz of the same app: at least 0.3x",
        )
