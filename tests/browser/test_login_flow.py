"""Sign in, switch language, sign out, in a real browser at desktop and phone size."""

import pytest

from tests.browser.conftest import assert_accessible, screenshot
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, base, email, password=PASSWORD):
    page.goto(f"{base}/login")
    assert_accessible(page)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def open_menu_if_folded(page):
    toggle = page.get_by_role("button", name="Menu")
    if toggle.is_visible():
        toggle.click()


def test_login_language_switch_logout(page, live_app, live_user):
    _app, base = live_app
    email = live_user("organizer", "nadia@example.org", "Nadia Benali")
    sign_in(page, base, email, "wrong password!")
    assert page.get_by_text("Unknown e-mail or wrong password.").is_visible()
    sign_in(page, base, email)
    page.wait_for_url(f"{base}/")
    assert page.get_by_role("heading", name="Hello, Nadia Benali").is_visible()
    screenshot(page, "home-en")
    assert_accessible(page)

    page.get_by_role("button", name="Français").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Bonjour, Nadia Benali").is_visible()
    assert page.locator("html").get_attribute("lang") == "fr"
    screenshot(page, "home-fr")
    assert_accessible(page)

    open_menu_if_folded(page)
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(f"{base}/login")
    assert page.get_by_text("Vous êtes déconnecté·e.").is_visible()
    page.goto(f"{base}/")
    assert page.url.startswith(f"{base}/login?next=")


def test_phone_menu_and_keyboard_login(page, live_app, live_user):
    _app, base = live_app
    email = live_user("admin", "camille@example.org", "Camille Laurent")
    page.goto(f"{base}/login")
    # Keyboard only: Tab from the e-mail field to the password and submit with Enter.
    page.get_by_label("E-mail").focus()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")
    open_menu_if_folded(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People with access").click()
    page.wait_for_url(f"{base}/admin/users/")
    assert page.get_by_role("cell", name="camille@example.org").is_visible()
    screenshot(page, "users")
    assert_accessible(page)
    page.goto(f"{base}/admin/users/permissions")
    assert_accessible(page)
    page.goto(f"{base}/admin/audit/")
    assert_accessible(page)
    page.goto(f"{base}/account")
    assert_accessible(page)
    if page.viewport_name == "phone":
        # The page must not scroll sideways on a phone (tables scroll inside their own box).
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
