"""Password checks: one counter for sign-in, re-authentication and the account page; backoff instead of a lock
that a stranger could set off; calendar feeds end with a password change."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from organizer.audit.models import AuditEvent
from organizer.auth.models import LoginAttempt
from organizer.extensions import db
from tests.conftest import PASSWORD

NEW_PASSWORD = "a brand new secret"


def _change_password(client, current: str):
    return client.post_form(
        "/account",
        {"pw-current": current, "pw-password": NEW_PASSWORD, "pw-confirm": NEW_PASSWORD, "pw-submit": "Save"},
    )


def _age_attempts(app, seconds: int) -> None:
    """Move every recorded attempt `seconds` into the past (time passing, without sleeping)."""
    with app.app_context():
        for attempt in db.session.scalars(select(LoginAttempt)):
            attempt.attempted_at -= timedelta(seconds=seconds)  # in Python: SQLite stores times as text
        db.session.commit()


def _from(client, address: str):
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_account_page_password_check_is_throttled_and_audited(app, client, make_user):
    user_id, email = make_user("organizer")
    client.login(email)
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for _ in range(limit):
        response = _change_password(client, "a wrong guess")
        assert response.status_code == 200
        assert "This is not your current password." in response.get_data(as_text=True)
    # The next guess is refused without being checked, even the right password: guessing is slowed down.
    refused = _change_password(client, PASSWORD)
    assert refused.status_code == 429
    assert "Too many failed attempts" in refused.get_data(as_text=True)
    with app.app_context():
        failures = db.session.scalar(
            select(func.count(LoginAttempt.id)).where(LoginAttempt.email == email, LoginAttempt.succeeded.is_(False))
        )
        assert failures == limit
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("login.%"))).all()
        account_failures = [e for e in events if e.action == "login.failure" and e.details.get("purpose") == "account"]
        assert len(account_failures) == limit and all(e.target_id == user_id for e in account_failures)
        assert any(e.action == "login.throttled" and e.details.get("purpose") == "account" for e in events)


def test_account_page_guesses_count_with_sign_ins(app, make_user):
    _id, email = make_user("organizer")
    victim_session = app.test_client()
    victim_session.login(email)
    for _ in range(3):
        _change_password(victim_session, "a wrong guess")
    attacker = app.test_client()
    for _ in range(2):
        attacker.login(email, "another wrong guess")
    assert attacker.login(email).status_code == 429


def test_backoff_slows_down_then_lets_the_owner_in(app, client, make_user):
    _id, email = make_user("organizer")
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    base = app.config["LOGIN_BACKOFF_SECONDS"]
    for _ in range(limit):
        client.login(email, "wrong")
    assert client.login(email).status_code == 429
    _age_attempts(app, base + 1)
    assert client.login(email, "wrong again").status_code == 200  # allowed to try, and wrong
    _age_attempts(app, base + 1)
    assert client.login(email).status_code == 429  # the wait doubled
    _age_attempts(app, base + 1)
    response = client.login(email)
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_a_stranger_cannot_lock_the_owner_out_of_a_known_device(app, make_user):
    from organizer.auth.devices import COOKIE_NAME

    _id, email = make_user("admin", email="boss@example.org")
    owner = _from(app.test_client(), "192.0.2.10")
    assert owner.login(email).status_code == 302
    assert owner.get_cookie(COOKIE_NAME) is not None
    owner.post_form("/logout")
    # Someone else guesses from several addresses, more than the account-wide limit.
    for n in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_ANYWHERE"]):
        stranger = _from(app.test_client(), f"203.0.113.{n % 3}")
        stranger.login(email, f"guess {n}")
    new_browser = _from(app.test_client(), "198.51.100.7")
    assert new_browser.login(email).status_code == 429  # an unknown browser waits, even with the password
    response = owner.login(email)  # the owner's own browser is not locked out
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_a_forged_known_device_cookie_counts_for_nothing(app, make_user):
    _id, email = make_user("organizer")
    for n in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_ANYWHERE"]):
        _from(app.test_client(), f"203.0.113.{n % 3}").login(email, "guess")
    forger = _from(app.test_client(), "198.51.100.8")
    forger.set_cookie("organizer_device", "WzFd.forged.signature")
    assert forger.login(email).status_code == 429


def test_calendar_feed_stops_after_a_password_change(app, make_user):
    _id, email = make_user("organizer")
    client = app.test_client()
    client.login(email)
    page = client.post_form("/campaigns/calendar/new").get_data(as_text=True)
    url = re.search(r'value="http://localhost(/[^"]+\.ics)"', page).group(1)
    anonymous = app.test_client()
    assert anonymous.get(url).status_code == 200
    assert _change_password(client, PASSWORD).status_code == 302
    assert anonymous.get(url).status_code == 404
    listing = client.get("/campaigns/calendar").get_data(as_text=True)
    assert "Revoked" in listing
