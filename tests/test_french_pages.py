"""Every page in French shows no English outside user data."""

import pytest

from tests.support.french import english_in_french_page


def test_detector_finds_untranslated_and_unwrapped_english():
    html = "<p>Bonjour</p><p>Sign in</p><button title='Save the password'>x</button><p>Click here to see the list</p>"
    assert english_in_french_page(html) == ["Sign in", "Save the password", "Click here to see the list"]
    assert english_in_french_page("<p>Se connecter</p><code>user.create</code>") == []


PAGES = ["/", "/account", "/admin/users/", "/admin/users/permissions", "/admin/audit/", "/privacy/retention"]


@pytest.mark.parametrize("url", PAGES)
def test_foundation_pages_are_all_french(app, client, admin, url):
    client.login(admin[1])
    client.post_form("/language", {"lang": "fr", "next": "/"})
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert english_in_french_page(html, user_data=(admin[1], "admin@example.org")) == []


@pytest.mark.any_database
def test_login_page_is_all_french(client):
    html = client.get("/login", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert english_in_french_page(html) == []


def test_audit_log_speaks_in_words(app, client, admin):
    client.login(admin[1])
    client.post_form("/language", {"lang": "fr", "next": "/"})
    html = client.get("/admin/audit/").get_data(as_text=True)
    assert "Connexion" in html and '<code class="muted">login.success</code>' in html
    client.post_form("/language", {"lang": "en", "next": "/"})
    assert "Signed in" in client.get("/admin/audit/").get_data(as_text=True)
