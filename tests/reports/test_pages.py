"""The report page, its drill-down by role, the printed versions and the command line."""

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from organizer.audit.models import AuditEvent
from organizer.extensions import db
from tests.reports.conftest import TODAY


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def heard(town):
    """Rent raised by 6 residents this period (3 the period before); light by 2 (6 the period before)."""
    for i in range(4, 7):
        town.resident(f"r{i}", "h4", f"Prénom{i}", f"Nom{i}")
    town.knock(
        "h1", ["rent"], resident="helene", note="Le loyer a doublé en deux ans, dit Hélène DUPONT, rue des Lilas."
    )
    town.knock("h2", ["rent"], resident="maria", note="Je ne veux pas être citée.")
    town.knock("h3", ["rent", "light"], resident="karim", note="Secret de famille.", note_sensitive=True)
    for i in range(4, 7):
        town.knock("h4", ["rent"], resident=f"r{i}")
    town.knock("h4", ["light"])
    for key in ("helene", "maria", "karim"):
        town.knock("h1", ["rent"], resident=key, days_ago=40)
    for i in range(4, 7):
        town.knock("h4", ["light"], resident=f"r{i}", days_ago=40)
    for key in ("helene", "maria", "karim"):
        town.knock("h1", ["light"], resident=key, days_ago=41)
    return town


def period_args(days=30):
    return {"from": (TODAY - timedelta(days=days - 1)).isoformat(), "to": TODAY.isoformat()}


def test_page_ranks_issues_and_links_every_number(client, make_user, heard):
    _id, email = make_user("leader")
    client.login(email)
    page = client.get("/reports/listening", query_string=period_args()).get_data(as_text=True)
    assert page.index("Loyers trop chers") < page.index("Éclairage public")
    assert "/reports/listening/conversations?" in page
    assert f"issue={heard.ids['rent']}" in page and "period=previous" in page
    assert "Le loyer a doublé en deux ans" in page
    assert "Secret de famille." not in page  # sensitive: leaders do not see it quoted


def test_page_rejects_bad_dates_with_a_message(client, make_user, heard):
    _id, email = make_user("organizer")
    client.login(email)
    response = client.get("/reports/listening?from=2026-13-45&to=" + TODAY.isoformat())
    assert response.status_code == 200
    assert "The start date is not a date" in response.get_data(as_text=True)


def test_drill_down_canvasser_sees_only_their_turf_and_no_sensitive_note(client, make_user, assign, heard):
    canvasser_id, email = make_user("canvasser")
    assign(canvasser_id, heard.ids["sud"])
    client.login(email)
    page = client.get(
        "/reports/listening/conversations", query_string={**period_args(), "issue": heard.ids["rent"]}
    ).get_data(as_text=True)
    assert "Rue Haute" in page and "Rue des Lilas" not in page
    assert "Secret de famille." not in page
    assert "Sensitive note: organizers only." in page
    with client.application.app_context():
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "report.drill_down")) is not None


def test_drill_down_organizer_sees_everything_by_place(client, make_user, heard):
    _id, email = make_user("organizer")
    client.login(email)
    args = {**period_args(), "issue": heard.ids["rent"], "place": str(heard.ids["nord"])}
    page = client.get("/reports/listening/conversations", query_string=args).get_data(as_text=True)
    assert "Hélène Dupont" in page and "María Gómez" in page and "Karim" not in page
    args = {**period_args(), "issue": heard.ids["rent"], "place": str(heard.ids["sud"])}
    page = client.get("/reports/listening/conversations", query_string=args).get_data(as_text=True)
    assert "Secret de famille." in page


def test_public_pdf_hides_small_counts_names_addresses_and_unconsented_quotes(client, make_user, heard):
    _id, email = make_user("organizer")
    client.login(email)
    response = client.get("/reports/listening.pdf", query_string={**period_args(), "public": "1"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Loyers trop chers 6 fewer than 5 up" in text
    # Light: 2 now, 6 before: neither the count nor the difference is printed.
    assert "Also raised, by fewer than 5 residents each: Éclairage public." in text
    assert "Le loyer a doublé en deux ans, dit … …, …." in text  # Hélène agreed; her name and street blanked
    assert "Je ne veux pas être citée." not in text  # María did not
    assert "Secret de famille." not in text  # Karim agreed, but the note is sensitive
    for personal in ("Hélène", "Dupont", "María", "Gómez", "Karim", "Haddad", "Lilas", "Rue Haute", "Prénom4"):
        assert personal not in text
    with client.application.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "report.print"))
        assert event.details["public"] is True


def test_internal_pdf_has_exact_counts_but_no_sensitive_quote(client, make_user, heard):
    _id, email = make_user("organizer")
    client.login(email)
    text = pdf_text(client.get("/reports/listening.pdf", query_string=period_args()).data)
    assert "Éclairage public 2 6 -4" in text
    assert "Je ne veux pas être citée." in text and "Secret de famille." not in text


def test_canvassers_may_not_print(client, make_user, heard):
    _id, email = make_user("canvasser")
    client.login(email)
    assert client.get("/reports/listening.pdf", query_string=period_args()).status_code == 403


def test_cli_writes_the_public_pdf_in_french(app, runner, heard, tmp_path):
    out = tmp_path / "report.pdf"
    args = ["report", "listening", "--from", period_args()["from"], "--to", TODAY.isoformat(), "--out", str(out)]
    result = runner.invoke(args=[*args, "--public", "--lang", "fr"])
    assert result.exit_code == 0, result.output
    text = pdf_text(out.read_bytes())
    assert "Ce que nous avons entendu" in text and "moins de 5" in text
    assert "Le loyer a doublé en deux ans" in text and "Dupont" not in text
    result = runner.invoke(
        args=["report", "listening", "--from", "2026-05-01", "--to", "2026-04-01", "--out", str(out)]
    )
    assert result.exit_code != 0
