"""E-mail that really leaves: invitations through a real SMTP server, retries when the server is down."""

from datetime import timedelta

from sqlalchemy import select

from organizer.db import utcnow
from organizer.extensions import db
from organizer.mail import services as mail
from organizer.mail.models import OutgoingMail
from tests.turnout.smtp import bodies


def test_admin_invitation_is_emailed_in_french_and_the_link_still_shown(app, client, admin, smtp):
    client.login(admin[1])
    client.post_form("/language", {"lang": "fr", "next": "/"})
    page = client.post_form(
        "/admin/users/", {"email": "Nadia@Example.org", "display_name": "Nadia", "role": "leader"}
    ).get_data(as_text=True)
    assert 'data-testid="invitation-url"' in page
    [message] = smtp.collector.to("nadia@example.org")
    assert message["Subject"] == "Vous êtes invité·e à rejoindre Organizer"
    assert message["Content-Language"] == "fr"
    assert message["From"].addresses[0].addr_spec == "equipe@example.org"
    assert message["From"].addresses[0].display_name == "Organizer"
    text, html = bodies(message)
    assert "Bonjour Nadia," in text
    link = next(line for line in text.splitlines() if "/invitation/" in line).strip()
    assert link.startswith("https://organizer.example.org/")
    assert link in page and link in html
    # The link works: it opens the choose-a-password page for that account.
    path = link.removeprefix("https://organizer.example.org")
    client.post_form("/logout")
    assert client.get(path).status_code == 200


def test_cli_invite_sends_in_the_default_language(app, runner, smtp):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    result = runner.invoke(args=["users", "invite", "sam@example.org", "--role", "canvasser"])
    assert result.exit_code == 0, result.output
    [message] = smtp.collector.to("sam@example.org")
    assert message["Subject"] == "You are invited to join Organizer"
    text, _html = bodies(message)
    assert "as: Canvasser" in text
    assert "https://organizer.example.org/" in result.output
    assert result.output.strip().split()[-1] in text


def test_down_server_retries_then_shows_failure_and_nothing_is_lost(app, client, admin, smtp):
    smtp.stop()  # the server is down from the start
    client.login(admin[1])
    client.post_form("/admin/users/", {"email": "lea@example.org", "display_name": "Léa", "role": "leader"})
    with app.app_context():
        row = db.session.scalar(select(OutgoingMail))
        assert (row.state, row.attempts) == ("queued", 1)
        assert "Connection" in row.last_error or "refused" in row.last_error.lower()
        # Later runs retry; after the last delay the message is marked failed, not dropped.
        moment = utcnow()
        for _ in range(len(app.config["MAIL_RETRY_MINUTES"])):
            moment += timedelta(minutes=max(app.config["MAIL_RETRY_MINUTES"]) + 1)
            mail.deliver_due(now=moment)
        db.session.expire_all()
        row = db.session.scalar(select(OutgoingMail))
        assert row.state == "failed"
        assert row.attempts == len(app.config["MAIL_RETRY_MINUTES"]) + 1
    page = client.get("/admin/mail/").get_data(as_text=True)
    assert "lea@example.org" in page and 'data-testid="mail-count-failed">Failed: 1' in page
    # The server comes back: "send again" delivers the very same message.
    smtp.__init__()
    smtp.start()
    app.config.update(smtp.config())
    client.post_form("/admin/mail/retry")
    [message] = smtp.collector.to("lea@example.org")
    assert "Léa" in bodies(message)[0]
    with app.app_context():
        assert db.session.scalar(select(OutgoingMail.state)) == "sent"


def test_without_a_server_messages_go_to_the_outbox_folder(app, runner, tmp_path):
    app.config["MAIL_SERVER"] = None
    result = runner.invoke(args=["mail", "status"])
    assert "mail-outbox" in result.output
    runner.invoke(args=["users", "invite", "outbox@example.org", "--role", "leader"])
    files = list((tmp_path / "instance" / "mail-outbox").glob("*.eml"))
    assert len(files) == 1 and "outbox@example.org" in files[0].read_text()


def test_sent_mail_is_purged_after_the_retention_period(app, runner, smtp):
    runner.invoke(args=["users", "invite", "old@example.org", "--role", "leader"])
    with app.app_context():
        assert db.session.scalar(select(OutgoingMail.state)) == "sent"
        later = utcnow() + timedelta(days=app.config["JOBS_RETENTION_DAYS"] + 1)
        assert mail.purge_sent(utcnow()) == 0
        assert mail.purge_sent(later) == 1
        db.session.commit()
        assert db.session.scalar(select(OutgoingMail.id)) is None


def test_new_invitation_link_is_emailed_again(app, client, admin, smtp):
    client.login(admin[1])
    client.post_form("/admin/users/", {"email": "omar@example.org", "display_name": "Omar", "role": "canvasser"})
    with app.app_context():
        from organizer.auth.models import User

        user_id = db.session.scalar(select(User.id).where(User.email == "omar@example.org"))
    page = client.post_form(f"/admin/users/{user_id}/invitation").get_data(as_text=True)
    first, second = smtp.collector.to("omar@example.org")
    link = next(line for line in bodies(second)[0].splitlines() if "/invitation/" in line).strip()
    assert link in page and link not in bodies(first)[0]
