"""French and English: locale choice, the switch, and a complete compiled catalogue."""

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "organizer/translations/fr/LC_MESSAGES/messages.po"
MO = PO.with_suffix(".mo")


@pytest.mark.any_database
def test_accept_language_chooses_french(client):
    page = client.get("/login", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert "Se connecter" in page and '<html lang="fr">' in page


@pytest.mark.any_database
def test_default_locale_applies_without_header(app, client):
    app.config["BABEL_DEFAULT_LOCALE"] = "fr"
    assert "Se connecter" in client.get("/login").get_data(as_text=True)


def test_language_switch_for_anonymous_visitor(client):
    client.get("/login", headers={"Accept-Language": "en"})
    response = client.post_form("/language", {"lang": "fr", "next": "/login"})
    assert response.headers["Location"] == "/login"
    assert "Se connecter" in client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_language_switch_refuses_foreign_next(client):
    response = client.post_form("/language", {"lang": "en", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_user_preference_wins_and_is_kept(app, make_user):
    _id, email = make_user("organizer")
    laptop = app.test_client()
    laptop.login(email)
    laptop.post_form("/language", {"lang": "fr", "next": "/"})
    phone = app.test_client()
    phone.login(email)
    page = phone.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Bonjour" in page and "Accueil" in page


def test_french_catalogue_is_complete_and_compiled():
    with PO.open("rb") as handle:
        catalogue = read_po(handle, locale="fr")
    extracted = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for directory in ("organizer", "templates")
        for message in extract_from_dir(
            ROOT / directory,
            method_map=[("**.py", "python"), ("**.html", "jinja2")],
            keywords={"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None},
        )
    }
    missing_from_po = sorted(msgid for msgid in extracted if msgid not in catalogue)
    assert missing_from_po == [], "run `make translations-update` and translate"
    untranslated = [m.id for m in catalogue if m.id and (not m.string or "fuzzy" in m.flags)]
    assert untranslated == []
    assert MO.exists() and MO.stat().st_mtime >= PO.stat().st_mtime - 1, "run `make translations`"
    with MO.open("rb") as handle:
        compiled = read_mo(handle)
    assert len([m for m in compiled if m.id]) == len([m for m in catalogue if m.id])


@pytest.mark.any_database
def test_dates_follow_the_locale(app):
    from datetime import datetime

    from flask_babel import force_locale, format_date

    with app.test_request_context():
        with force_locale("fr"):
            assert format_date(datetime(2026, 11, 23), "long") == "23 novembre 2026"
        with force_locale("en"):
            assert format_date(datetime(2026, 11, 23), "long") == "November 23, 2026"


@pytest.mark.any_database
def test_paper_size_follows_locale_unless_set(app):
    from organizer.i18n import paper_size

    with app.app_context():
        assert paper_size("fr") == "a4" and paper_size("en_US") == "letter" and paper_size("en") == "a4"
        app.config["PAPER_SIZE"] = "letter"
        assert paper_size("fr") == "letter"
