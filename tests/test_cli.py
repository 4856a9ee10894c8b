"""Command-line: users create, demo load."""

from sqlalchemy import func, select

from organizer.auth.models import User
from organizer.core.models import Organization
from organizer.extensions import db


def test_users_create_with_password_stdin(app, runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "Marie@Example.org",
            "--role",
            "leader",
            "--name",
            "Marie Curie",
            "--password-stdin",
        ],
        input="une phrase secrète\n",
    )
    assert result.exit_code == 0, result.output
    assert "created marie@example.org (leader)" in result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "marie@example.org"))
        assert user.display_name == "Marie Curie" and user.role == "leader"
        assert user.check_password("une phrase secrète")
        assert user.password_hash.startswith("pbkdf2:")  # hashed with the configured method, never plain


def test_users_create_prompts_without_stdin_flag(app, runner):
    result = runner.invoke(
        args=["users", "create", "p@example.org", "--role", "canvasser"],
        input="long enough secret\nlong enough secret\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "p@example.org")).check_password("long enough secret")


def test_users_create_refuses_bad_input(app, runner):
    short = runner.invoke(
        args=["users", "create", "a@example.org", "--role", "admin", "--password-stdin"], input="short\n"
    )
    assert short.exit_code != 0 and "At least 12 characters" in short.output
    bad_role = runner.invoke(
        args=["users", "create", "a@example.org", "--role", "king", "--password-stdin"],
        input="une phrase assez longue\n",
    )
    assert bad_role.exit_code != 0
    runner.invoke(
        args=["users", "create", "a@example.org", "--role", "admin", "--password-stdin"],
        input="une phrase assez longue\n",
    )
    twice = runner.invoke(
        args=["users", "create", "A@example.org", "--role", "admin", "--password-stdin"],
        input="une phrase assez longue\n",
    )
    assert twice.exit_code != 0 and "already exists" in twice.output
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 1


def _counts(app):
    with app.app_context():
        return (
            db.session.scalar(select(func.count(User.id))),
            db.session.scalar(select(func.count(Organization.id))),
        )


def test_demo_load_is_idempotent(app, runner):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "demo loaded" in first.output and "admin@demo.organizer.test" in first.output
    after_first = _counts(app)
    assert after_first == (4, 1)
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0 and "nothing changed" in second.output
    assert _counts(app) == after_first


def test_demo_logins_work(app, runner):
    runner.invoke(args=["demo", "load"])
    client = app.test_client()
    assert client.login("admin@demo.organizer.test", "demo-admin-2026").status_code == 302
    assert client.get("/admin/users/").status_code == 200
