"""No N+1: a list page runs the same number of queries for 5 rows as for 50."""

import pytest

from organizer.audit import services as audit
from organizer.auth import services as auth_services
from organizer.extensions import db
from tests.support.queries import count_queries


def seed_users(app, n):
    with app.app_context():
        for i in range(n):
            auth_services.create_user(f"person{i}-{n}@example.org", f"Person {i}", "canvasser", password="x" * 12)
        db.session.commit()


def seed_audit(app, n):
    with app.app_context():
        for i in range(n):
            audit.record("test.row", None, n=i, actor_id=1)
        db.session.commit()


# (url, seeding function): every list page belongs here.
LIST_PAGES = [
    ("/admin/users/", seed_users),
    ("/admin/audit/?action=test.row", seed_audit),
]


@pytest.mark.parametrize(("url", "seed"), LIST_PAGES, ids=[url for url, _ in LIST_PAGES])
def test_list_page_query_count_does_not_grow_with_rows(app, client, admin, url, seed):
    client.login(admin[1])
    seed(app, 5)
    client.get(url)  # warm caches (translations, metadata)
    with count_queries(app) as few:
        assert client.get(url).status_code == 200
    seed(app, 45)
    with count_queries(app) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), "\n".join(many)
