"""Templates: built-ins seeded once; a meeting's agenda is a copy; saving an agenda as a template."""

from sqlalchemy import func, select

from organizer.extensions import db
from organizer.meetings import services
from organizer.meetings.models import AgendaItem, MeetingTemplate, MeetingTemplateItem


def test_builtin_templates_are_seeded_once(app):
    with app.app_context():
        assert services.ensure_builtin_templates() == 4
        assert services.ensure_builtin_templates() == 0
        db.session.commit()
        names = {t.builtin_key: [i.title for i in t.items] for t in services.list_templates()}
    assert set(names) == {"house_meeting", "campaign_planning", "run_of_show", "debrief"}
    # Seeded in the deployment's default language (English in tests).
    assert names["house_meeting"] == [
        "Sign-in",
        "Host welcome",
        "Why each of us came",
        "The vision",
        "Discussion",
        "The ask",
        "Thanks",
    ]
    assert names["debrief"][:3] == ["Highlights", "Lowlights", "Feelings"]


def test_editing_the_copy_leaves_the_template_alone(app, client, make_user, make_meeting):
    _uid, email = make_user("organizer")
    client.login(email)
    meeting_id = make_meeting(template_key="debrief")
    with app.app_context():
        template = db.session.scalar(select(MeetingTemplate).where(MeetingTemplate.builtin_key == "debrief"))
        template_titles = [i.title for i in services.template_items(template)]
        items = db.session.scalars(
            select(AgendaItem).where(AgendaItem.meeting_id == meeting_id).order_by(AgendaItem.position)
        ).all()
        assert [i.title for i in items] == template_titles
        first = items[0]
        first_id, first_version = first.id, first.version
    page = client.get(f"/meetings/{meeting_id}/items/{first_id}/edit")
    assert page.status_code == 200
    response = client.post_form(
        f"/meetings/{meeting_id}/items/{first_id}/edit",
        {"title": "Ce qui a marché", "minutes": "12", "kind": "discussion", "version": str(first_version)},
    )
    assert response.status_code == 302
    # A second save from the same stale page is a conflict, not an overwrite.
    stale = client.post_form(
        f"/meetings/{meeting_id}/items/{first_id}/edit",
        {"title": "Autre titre", "minutes": "5", "kind": "discussion", "version": str(first_version)},
    )
    assert stale.status_code == 409
    with app.app_context():
        assert db.session.get(AgendaItem, first_id).title == "Ce qui a marché"
        template = db.session.scalar(select(MeetingTemplate).where(MeetingTemplate.builtin_key == "debrief"))
        assert [i.title for i in services.template_items(template)] == template_titles


def test_save_as_template_and_reuse(app, client, make_user, make_meeting):
    _uid, email = make_user("leader")
    client.login(email)
    meeting_id = make_meeting(items=[("Accueil", 10), ("Point loyers", 25), ("Prochaine action", 15)])
    response = client.post_form(f"/meetings/{meeting_id}/save-template", {"name": "Comité de l'union"})
    assert response.status_code == 302
    with app.app_context():
        template = db.session.scalar(select(MeetingTemplate).where(MeetingTemplate.name == "Comité de l'union"))
        assert template.builtin_key is None
        assert [(i.position, i.title, i.minutes) for i in services.template_items(template)] == [
            (1, "Accueil", 10),
            (2, "Point loyers", 25),
            (3, "Prochaine action", 15),
        ]
        template_id = template.id
    html = client.get("/meetings/templates").get_data(as_text=True)
    assert "Comité de l&#39;union" in html and "House meeting" in html
    response = client.post_form(
        "/meetings/new",
        {
            "template_id": template_id,
            "title": "Comité d'avril",
            "day": "2030-04-02",
            "start_time": "19:00",
            "duration_minutes": "60",
        },
    )
    new_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    with app.app_context():
        titles = db.session.scalars(
            select(AgendaItem.title).where(AgendaItem.meeting_id == new_id).order_by(AgendaItem.position)
        ).all()
        assert titles == ["Accueil", "Point loyers", "Prochaine action"]
    # Empty name: re-displayed with an error; built-in templates cannot be deleted, own ones can.
    assert client.post_form(f"/meetings/{meeting_id}/save-template", {"name": ""}).status_code == 400
    with app.app_context():
        builtin_id = db.session.scalar(select(MeetingTemplate.id).where(MeetingTemplate.builtin_key == "debrief"))
    assert client.post_form(f"/meetings/templates/{builtin_id}/delete").status_code == 400
    assert client.post_form(f"/meetings/templates/{template_id}/delete").status_code == 302
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(MeetingTemplateItem)
                .where(MeetingTemplateItem.template_id == template_id)
            )
            == 0
        )


def test_builtin_templates_shown_and_copied_in_the_readers_language(app, client, make_user):
    """Stored in the default language (English here), a built-in template reads in French for a French user,
    and a meeting made from it by that user gets a French agenda; the stored template is not changed."""
    _uid, email = make_user("organizer")
    client.login(email)
    client.post_form("/language", {"lang": "fr", "next": "/"})
    html = client.get("/meetings/new").get_data(as_text=True)
    assert ">Réunion d&#39;appartement<" in html and ">House meeting<" not in html
    templates = client.get("/meetings/templates").get_data(as_text=True)
    assert "Accueil par l’hôte" in templates and ">House meeting" not in templates
    with app.app_context():
        template = db.session.scalar(select(MeetingTemplate).where(MeetingTemplate.builtin_key == "house_meeting"))
        template_id, stored = template.id, [i.title for i in services.template_items(template)]
    response = client.post_form(
        "/meetings/new",
        {
            "template_id": str(template_id),
            "title": "Chez Mme Diallo",
            "day": "2030-03-12",
            "start_time": "18:30",
            "duration_minutes": "90",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        titles = db.session.scalars(select(AgendaItem.title).order_by(AgendaItem.position)).all()
        template = db.session.get(MeetingTemplate, template_id)
        assert (
            [i.title for i in services.template_items(template)]
            == stored
            == ["Sign-in", "Host welcome", "Why each of us came", "The vision", "Discussion", "The ask", "Thanks"]
        )
    assert titles[:2] == ["Émargement", "Accueil par l’hôte"] and titles[-2:] == ["La demande", "Remerciements"]
