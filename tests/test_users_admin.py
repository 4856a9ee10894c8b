"""Administrators invite people, change roles, deactivate; invitations set passwords."""

import re

from sqlalchemy import select

from organizer.audit.models import AuditEvent
from organizer.auth.models import User
from organizer.extensions import db


def invite(client, email="new@example.org", name="Léa Dubois", role="canvasser"):
    response = client.post_form("/admin/users/", {"email": email, "display_name": name, "role": role})
    page = response.get_data(as_text=True)
    match = re.search(r'value="(http://localhost/invitation/[^"]+)"', page)
    return response, page, match.group(1) if match else None


def test_admin_invites_and_invitee_sets_password(app, client, admin):
    client.login(admin[1])
    response, page, link = invite(client)
    assert response.status_code == 200 and link
    assert "Léa Dubois" in page
    newcomer = app.test_client()
    path = link.replace("http://localhost", "")
    assert newcomer.get(path).status_code == 200
    token = newcomer.csrf_token()
    response = newcomer.post(
        path, data={"csrf_token": token, "password": "mon mot de passe", "confirm": "mon mot de passe"}
    )
    assert response.status_code == 302
    assert "Hello, Léa Dubois" in newcomer.get("/").get_data(as_text=True)
    # The link is spent.
    assert app.test_client().get(path).status_code == 404
    assert app.test_client().login("new@example.org", "mon mot de passe").status_code == 302


def test_invitation_form_errors_redisplay(app, client, admin):
    client.login(admin[1])
    _r, _p, link = invite(client)
    newcomer = app.test_client()
    path = link.replace("http://localhost", "")
    newcomer.get(path)
    response = newcomer.post(path, data={"csrf_token": newcomer.csrf_token(), "password": "short", "confirm": "other"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "At least 12 characters." in body and "The two passwords differ." in body


def test_duplicate_email_is_refused_with_a_message(client, admin):
    client.login(admin[1])
    invite(client, email="twice@example.org")
    response, page, link = invite(client, email="TWICE@example.org")
    assert link is None
    assert "Someone already has access with this e-mail." in page


def test_change_role_and_audit(app, client, admin, make_user):
    user_id, _email = make_user("canvasser")
    client.login(admin[1])
    assert client.post_form(f"/admin/users/{user_id}/role", {"role": "organizer"}).status_code == 302
    with app.app_context():
        assert db.session.get(User, user_id).role == "organizer"
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.role_change"))
        assert event.details == {"old": "canvasser", "new": "organizer"}
        assert event.actor_id == admin[0]


def test_last_admin_keeps_the_role(app, client, admin):
    client.login(admin[1])
    response = client.post_form(f"/admin/users/{admin[0]}/role", {"role": "canvasser"}, follow_redirects=True)
    assert "The last administrator cannot lose that role." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, admin[0]).role == "admin"


def test_admin_cannot_deactivate_themselves(client, admin):
    client.login(admin[1])
    response = client.post_form(f"/admin/users/{admin[0]}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    assert client.get("/").status_code == 200


def test_reactivate_and_new_invitation(app, client, admin, make_user):
    user_id, email = make_user("leader")
    client.login(admin[1])
    client.post_form(f"/admin/users/{user_id}/deactivate")
    client.post_form(f"/admin/users/{user_id}/reactivate")
    assert app.test_client().login(email).status_code == 302
    page = client.post_form(f"/admin/users/{user_id}/invitation").get_data(as_text=True)
    assert "/invitation/" in page


def test_audit_log_page_filters(app, client, admin, make_user):
    make_user("canvasser", email="c@example.org")
    client.login(admin[1])
    page = client.get("/admin/audit/?action=login").get_data(as_text=True)
    assert "login.success" in page and "user.create" not in page
    page = client.get("/admin/audit/?action=user.create").get_data(as_text=True)
    assert "user.create" in page
