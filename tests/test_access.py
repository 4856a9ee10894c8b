"""Every view declares who may open it; roles are enforced; nothing changes on GET."""

import pytest

from organizer.auth.permissions import require_role
from tests.conftest import PASSWORD


@pytest.mark.any_database
def test_every_endpoint_declares_an_access_rule(app):
    undeclared = []
    for endpoint, view in app.view_functions.items():
        if endpoint == "static":
            continue
        if not getattr(view, "is_public", False) and getattr(view, "required_roles", None) is None:
            undeclared.append(endpoint)
    assert undeclared == []


def test_undeclared_view_is_refused(database_uri, client, app, admin):
    def forgotten():
        return "should never be seen"

    app.add_url_rule("/forgotten", view_func=forgotten)
    client.login(admin[1])
    response = client.get("/forgotten")
    assert response.status_code == 403
    assert "should never be seen" not in response.get_data(as_text=True)


def test_anonymous_is_sent_to_login_with_next(client):
    response = client.get("/admin/users/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", ["organizer", "leader", "canvasser"])
def test_non_admin_roles_refused_admin_pages(client, make_user, role):
    _id, email = make_user(role)
    client.login(email)
    assert client.get("/admin/users/").status_code == 403
    assert client.get("/admin/audit/").status_code == 403
    assert client.get("/").status_code == 200


def test_admin_passes_every_role_check(app, client, admin):
    @require_role("canvasser")
    def canvassers_only():
        return "canvasser page"

    app.add_url_rule("/canvassers-only", view_func=canvassers_only)
    client.login(admin[1])
    assert client.get("/canvassers-only").get_data(as_text=True) == "canvasser page"


def test_state_changing_endpoints_refuse_get(client, admin):
    client.login(admin[1])
    for url in [
        "/logout",
        "/language",
        "/admin/users/1/role",
        "/admin/users/1/deactivate",
        "/admin/users/1/reactivate",
        "/admin/users/1/invitation",
    ]:
        assert client.get(url).status_code == 405, url
    # Still signed in: the GET to /logout changed nothing.
    assert client.get("/").status_code == 200


def test_permission_matrix_page_reflects_enforced_rules(client, admin):
    client.login(admin[1])
    page = client.get("/admin/users/permissions").get_data(as_text=True)
    assert "/admin/users/permissions" in page and "/healthz" in page
    assert "Canvassers see only the turfs assigned to them" in page


def test_permission_matrix_rows_match_enforcement(app, client, make_user):
    from organizer.auth.matrix import permission_matrix

    rows = {row.rule: row for row in permission_matrix(app)}
    assert rows["/admin/users/"].allowed == {"admin": True, "organizer": False, "leader": False, "canvasser": False}
    assert all(rows["/account"].allowed.values())
    assert rows["/healthz"].public
    # What the matrix says is what the server does.
    _id, email = make_user("canvasser")
    client.login(email)
    for rule, row in rows.items():
        if "<" in rule or "GET" not in row.methods or row.public:
            continue
        status = client.get(rule).status_code
        assert (status != 403) == row.allowed["canvasser"], rule


def test_recent_authentication_is_asked_again(app, client, make_user):
    from organizer.auth.permissions import require_recent_auth

    @require_role("organizer")
    @require_recent_auth(minutes=15)
    def export():
        return "exported"

    app.add_url_rule("/test-export", view_func=export)
    _id, email = make_user("organizer")
    client.login(email)
    assert client.get("/test-export").get_data(as_text=True) == "exported"
    with client.session_transaction() as session:
        session["auth_at"] = 0  # signed in long ago
    response = client.get("/test-export")
    assert response.status_code == 302 and response.headers["Location"].startswith("/reauthenticate?next=")
    wrong = client.post_form("/reauthenticate", {"password": "nope", "next": "/test-export"})
    assert "This is not your current password." in wrong.get_data(as_text=True)
    right = client.post_form("/reauthenticate", {"password": PASSWORD, "next": "/test-export"})
    assert right.headers["Location"] == "/test-export"
    assert client.get("/test-export").get_data(as_text=True) == "exported"


def test_refused_access_is_audited(app, client, make_user):
    from sqlalchemy import select

    from organizer.audit.models import AuditEvent
    from organizer.extensions import db

    user_id, email = make_user("canvasser")
    client.login(email)
    assert client.get("/admin/users/").status_code == 403
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "access.refused"))
        assert event.actor_id == user_id and event.details == {"path": "/admin/users/", "method": "GET"}
