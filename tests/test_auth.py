"""Signing in and out: messages, throttling, CSRF, redirects, sessions that really end."""

import pytest
from sqlalchemy import func, select

from organizer.audit.models import AuditEvent
from organizer.auth.models import LoginAttempt, User
from organizer.extensions import db
from tests.conftest import PASSWORD, make_test_app


def test_login_and_home(client, make_user):
    _id, email = make_user("organizer", name="Nadia Benali")
    response = client.login(email)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Hello, Nadia Benali" in client.get("/").get_data(as_text=True)


def test_same_message_for_unknown_user_and_wrong_password(client, make_user):
    _id, email = make_user("organizer")
    wrong_password = client.login(email, "not the password").get_data(as_text=True)
    unknown_user = client.login("nobody@example.org", "whatever").get_data(as_text=True)
    message = "Unknown e-mail or wrong password."
    assert message in wrong_password and message in unknown_user


def test_login_email_is_case_insensitive(client, make_user):
    _id, email = make_user("organizer", email="Someone@Example.org")
    assert client.login("  SOMEONE@example.ORG ").status_code == 302


def test_bad_logins_are_throttled_even_with_the_right_password(client, make_user, app):
    _id, email = make_user("organizer")
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        assert client.login(email, "wrong").status_code == 200
    response = client.login(email, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not signed in


def test_throttling_holds_across_workers(app, database_uri, make_user):
    """Two app instances on one database stand for two gunicorn workers: failures add up."""
    _id, email = make_user("organizer")
    other_worker = make_test_app(database_uri)
    clients = [app.test_client(), other_worker.test_client()]
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for attempt in range(limit):
        clients[attempt % 2].login(email, "wrong")
    assert clients[0].login(email).status_code == 429
    assert clients[1].login(email).status_code == 429
    with app.app_context():
        failures = db.session.scalar(select(func.count(LoginAttempt.id)).where(LoginAttempt.email == email))
        assert failures == limit


def test_throttling_by_address_covers_many_accounts(app, client):
    app.config["LOGIN_MAX_FAILURES_PER_IP"] = 3
    for n in range(3):
        client.login(f"guess{n}@example.org", "x")
    assert client.login("guess-again@example.org", "x").status_code == 429


def test_success_resets_the_account_counter(client, make_user, app):
    _id, email = make_user("organizer")
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] - 1):
        client.login(email, "wrong")
    assert client.login(email).status_code == 302
    client.post_form("/logout")
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] - 1):
        client.login(email, "wrong")
    assert client.login(email).status_code == 302


def test_login_without_csrf_token_is_rejected(client, make_user):
    _id, email = make_user("organizer")
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 400
    assert "The form expired" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_post_with_forged_csrf_token_is_rejected(client, admin):
    client.login(admin[1])
    response = client.post("/logout", data={"csrf_token": "forged"})
    assert response.status_code == 400
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "\t//evil.example",
    ],
)
def test_open_redirect_refused(client, make_user, target):
    _id, email = make_user("organizer")
    response = client.login(email, next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_safe_next_is_followed(client, make_user):
    _id, email = make_user("organizer")
    response = client.login(email, next="/account?tab=password")
    assert response.headers["Location"] == "/account?tab=password"


def test_logout_ends_the_session_for_real(app, client, make_user):
    _id, email = make_user("organizer")
    client.login(email)
    stolen_cookie = client.get_cookie("session").value
    client.post_form("/logout")
    thief = app.test_client()
    thief.set_cookie("session", stolen_cookie)
    assert thief.get("/").status_code == 302


def test_remember_me_cookie_is_bounded_and_ends_at_logout(app, client, make_user):
    _id, email = make_user("organizer")
    response = client.login(email, remember="y")
    remember = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]
    assert remember and "HttpOnly" in remember[0] and "Expires=" in remember[0]
    token = client.get_cookie("remember_token").value
    client.post_form("/logout")
    other = app.test_client()
    other.set_cookie("remember_token", token)
    assert other.get("/").status_code == 302


def test_deactivated_user_is_signed_out_at_once(app, make_user, admin):
    canvasser_id, email = make_user("canvasser")
    canvasser = app.test_client()
    canvasser.login(email)
    assert canvasser.get("/").status_code == 200
    boss = app.test_client()
    boss.login(admin[1])
    assert boss.post_form(f"/admin/users/{canvasser_id}/deactivate").status_code == 302
    assert canvasser.get("/").status_code == 302
    assert canvasser.login(email).status_code == 200  # refused, same message as a wrong password


def test_password_change_signs_out_other_sessions(app, make_user):
    _id, email = make_user("organizer")
    laptop, phone = app.test_client(), app.test_client()
    laptop.login(email)
    phone.login(email)
    response = laptop.post_form(
        "/account",
        {
            "pw-current": PASSWORD,
            "pw-password": "a brand new secret",
            "pw-confirm": "a brand new secret",
            "pw-submit": "Save the password",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302
    assert app.test_client().login(email, "a brand new secret").status_code == 302


def test_wrong_current_password_is_explained(client, make_user):
    _id, email = make_user("organizer")
    client.login(email)
    response = client.post_form(
        "/account",
        {
            "pw-current": "nope",
            "pw-password": "a brand new secret",
            "pw-confirm": "a brand new secret",
            "pw-submit": "Save the password",
        },
    )
    assert response.status_code == 200
    assert "This is not your current password." in response.get_data(as_text=True)


def test_logins_are_audited_without_passwords(app, client, make_user):
    user_id, email = make_user("organizer")
    client.login(email, "wrong-secret-value")
    client.login(email)
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        actions = [event.action for event in events]
        assert "login.failure" in actions and "login.success" in actions
        assert all("wrong-secret-value" not in str(event.details) for event in events)
        success = next(e for e in events if e.action == "login.success")
        assert success.actor_id == user_id and success.target_id == user_id
        assert db.session.get(User, user_id).last_login_at is not None


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short one", "At least 12 characters."),
        ("x" * 129, "at most 128 characters"),
        ("Motdepasse123", "among the most common"),
        ("aaaaaaaaaaaaaa", "among the most common"),
    ],
)
def test_password_policy(client, make_user, password, message):
    _id, email = make_user("organizer")
    client.login(email)
    response = client.post_form(
        "/account", {"pw-current": PASSWORD, "pw-password": password, "pw-confirm": password, "pw-submit": "Save"}
    )
    assert response.status_code == 200
    assert message.lower() in response.get_data(as_text=True).lower()


def test_long_passphrase_without_composition_rules_is_accepted(client, make_user):
    _id, email = make_user("organizer")
    client.login(email)
    phrase = "le chat dort sur le radiateur " * 4  # 120 characters, no digit, no capital
    response = client.post_form(
        "/account", {"pw-current": PASSWORD, "pw-password": phrase, "pw-confirm": phrase, "pw-submit": "Save"}
    )
    assert response.status_code == 302
