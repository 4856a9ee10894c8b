"""A live server and a real headless Chromium driven by Playwright."""

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from organizer.auth import services as auth_services
from organizer.extensions import db
from tests.conftest import PASSWORD, make_test_app, reset_schema, unavailable

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
AXE_SCRIPT = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def chromium_path() -> str | None:
    """Debian's Chromium, or one named by ORGANIZER_CHROMIUM."""
    return os.environ.get("ORGANIZER_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright for Python is not installed")
    executable = chromium_path()
    if not executable:
        unavailable("Chromium not found (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def live_app(tmp_path):
    """The app on a fresh SQLite file, served on loopback in a thread; yields (app, base_url)."""
    app = make_test_app(f"sqlite:///{tmp_path / 'live.sqlite3'}", TESTING=False)
    reset_schema(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def live_user(live_app):
    """Create a user on the live app: live_user("organizer", "x@example.org")."""
    app, _base = live_app

    def factory(role: str, email: str, name: str = "Test Person"):
        with app.app_context():
            auth_services.create_user(email, name, role, password=PASSWORD)
            db.session.commit()
        return email

    return factory


def _new_page(browser, viewport_name: str, locale: str):
    """A fresh context (no cookies) with axe-core injected; returns (context, page, errors seen)."""
    context = browser.new_context(
        viewport=VIEWPORTS[viewport_name],
        locale=locale,
        is_mobile=viewport_name == "phone",
        has_touch=viewport_name == "phone",
    )
    # Injected through DevTools on every document: not subject to the app's CSP, never served by the app.
    context.add_init_script(path=str(AXE_SCRIPT))
    page = context.new_page()
    page.viewport_name = viewport_name
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # ERR_ABORTED is a request cancelled by the next navigation (e.g. the favicon), not a failure.
    page.on(
        "requestfailed",
        lambda req: (
            None if "ERR_ABORTED" in (req.failure or "") else errors.append(f"request failed: {req.url} {req.failure}")
        ),
    )
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return context, page, errors


@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser, live_app):
    """A fresh browser context (no cookies) at desktop or phone size, English unless a test switches."""
    context, page, errors = _new_page(browser, request.param, "en-GB")
    yield page
    context.close()
    assert errors == [], f"browser errors: {errors}"


@pytest.fixture
def open_page(browser, live_app):
    """More browsers for one test (a second person on another device): open_page("desktop", "fr-FR")."""
    opened = []

    def factory(viewport_name: str = "desktop", locale: str = "en-GB"):
        context, page, errors = _new_page(browser, viewport_name, locale)
        opened.append((context, errors))
        return page

    yield factory
    for context, errors in opened:
        context.close()
        assert errors == [], f"browser errors: {errors}"


def screenshot(page, name: str) -> None:
    """Save a screenshot for a person to look at (test artifacts, not committed)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{page.viewport_name}.png"), full_page=True)


def assert_accessible(page) -> None:
    """Run axe-core on the current page: no serious or critical violation (WCAG 2.1 A/AA rules)."""
    assert page.evaluate("typeof window.axe !== 'undefined'"), "axe-core was not injected"
    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", tags)
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"accessibility violations on {page.url}:\n" + "\n".join(serious)


@pytest.fixture
def live_worker(live_app):
    """A real `flask jobs worker` (2 at a time) on the live app's database, for pages that start jobs."""
    from tests.support.workers import running_worker

    app, _base = live_app
    with running_worker(app, 2) as process:
        yield process
