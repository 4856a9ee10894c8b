"""The demo in French, every page and PDF: no English outside user data, no ISO date, no time with seconds,
no colon without its space. The pages are found by following the links from the home page (one page per
kind of URL), as an admin sees them; the PDFs are the printed documents of each feature."""

import io
import re
from collections import deque
from urllib.parse import parse_qsl, urlsplit

import pytest
from pypdf import PdfReader

from organizer.demo.services import load_demo_data
from organizer.extensions import db
from tests.support.french import english_in_french_page, french_slips, visible_text

SKIP = re.compile(r"^/(logout|static|language)|\.(csv|xlsx|ics|json|pdf)$|/export|/rejects")
MAX_PAGES = 250


def _family(url: str) -> str:
    """/residents/12?q=x -> /residents/N?q: one page of each kind is enough."""
    parts = urlsplit(url)
    keys = ",".join(sorted(key for key, _value in parse_qsl(parts.query)))
    return re.sub(r"\d+", "N", parts.path) + "?" + keys


@pytest.fixture
def demo_admin(app, client):
    app.config["BABEL_DEFAULT_LOCALE"] = "fr"  # a French organization's demo (the suite's default is English)
    with app.app_context():
        report = load_demo_data()
        db.session.commit()
    email, password, _role = next(login for login in report.logins if login[2] == "admin")
    assert client.post_form("/login", {"email": email, "password": password}).status_code == 302
    client.post_form("/language", {"lang": "fr", "next": "/"})
    return client


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_every_demo_page_reads_as_french(demo_admin):
    client = demo_admin
    queue, families, problems, visited = deque(["/"]), {_family("/")}, {}, 0
    while queue and visited < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        visited += 1
        assert response.status_code < 500, url
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        html = response.get_data(as_text=True)
        found = english_in_french_page(html) + french_slips(visible_text(html))
        if found:
            problems[url] = found
        for href in re.findall(r'href="(/[^"#]*)', html):
            href = href.replace("&amp;", "&")
            if SKIP.search(href) or "after=" in href or _family(href) in families:
                continue
            families.add(_family(href))
            queue.append(href)
    assert visited > 60  # the crawl did reach the features' pages
    assert problems == {}


def test_demo_pdfs_read_as_french(demo_admin, app):
    from sqlalchemy import select

    from organizer.meetings.models import Meeting
    from organizer.residents.models import Resident
    from organizer.turfs.models import Turf

    with app.app_context():
        turf_id = db.session.scalar(select(Turf.id).order_by(Turf.id))
        meeting_id = db.session.scalar(select(Meeting.id).order_by(Meeting.id))
        resident_id = db.session.scalar(select(Resident.id).where(Resident.consent_basis.is_not(None)))
    urls = [
        f"/turfs/{turf_id}/walk-sheet.pdf",
        f"/meetings/{meeting_id}/agenda.pdf",
        f"/privacy/residents/{resident_id}/export.pdf",
    ]
    for url in urls:
        response = demo_admin.get(url)
        assert response.status_code == 200 and response.content_type == "application/pdf", url
        text = _pdf_text(response.data)
        assert french_slips(text) == [], url
        assert english_in_french_page(f"<p>{'</p><p>'.join(text.splitlines())}</p>") == [], url
