"""Resident list, search, pages, edit with conflicts, bulk tags, visibility and exports."""

import io
import re

from openpyxl import load_workbook
from sqlalchemy import func, select

from organizer.audit.models import AuditEvent
from organizer.auth.models import User
from organizer.extensions import db
from organizer.residents import services
from organizer.residents.models import Resident, Tag


def test_search_is_accent_and_case_insensitive(client, people):
    client.login(people["organizer"])
    page = client.get("/residents/?q=helene").get_data(as_text=True)
    assert "Hélène" in page and "Lefèvre" not in page
    page = client.get("/residents/?q=LEFEVRE").get_data(as_text=True)
    assert "Lefèvre" in page and "Hélène" not in page


def test_search_by_phone_email_and_street(client, people):
    client.login(people["organizer"])
    assert "Hélène" in client.get("/residents/?q=%2B33 6 12 34 56 78").get_data(as_text=True)
    assert "Lefèvre" in client.get("/residents/?q=marc@example").get_data(as_text=True)
    page = client.get("/residents/?q=av des acacias").get_data(as_text=True)
    assert "Lefèvre" not in page  # "av" expands to avenue, not allée
    page = client.get("/residents/?q=allee des acacias").get_data(as_text=True)
    assert "Lefèvre" in page and "Hélène" not in page


def test_filters_tag_and_do_not_contact(app, client, people):
    client.login(people["organizer"])
    with app.app_context():
        user = db.session.get(User, people["organizer_id"])
        services.bulk_tag(user, [people["marc"]], "Locataire")
        db.session.commit()
        tag_id = db.session.scalar(select(Tag.id).where(Tag.name == "locataire"))
    page = client.get(f"/residents/?tag={tag_id}").get_data(as_text=True)
    assert "Lefèvre" in page and "Hélène" not in page
    page = client.get("/residents/?dnc=only").get_data(as_text=True)
    assert "Bernard" in page and "Hélène" not in page
    page = client.get("/residents/?dnc=exclude").get_data(as_text=True)
    assert "Bernard" not in page and "Hélène" in page
    # flagged, not hidden, by default
    page = client.get("/residents/").get_data(as_text=True)
    assert "Bernard" in page and "badge-dnc" in page


def test_keyset_pagination(app, client, people):
    with app.app_context():
        for n in range(60):
            services.create_resident({"first_name": f"P{n:02d}", "last_name": "Zz", "data_source": "test"})
        db.session.commit()
    client.login(people["organizer"])
    first = client.get("/residents/?q=zz").get_data(as_text=True)
    assert first.count('name="resident_ids"') == 50
    match = re.search(r'href="([^"]*after=[^"]*)"', first)
    assert match and "offset" not in match.group(1)
    second = client.get(match.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert second.count('name="resident_ids"') == 10
    assert "P59" in second and "P00" not in second
    assert 'rel="next"' not in second


def test_resident_page_is_audited_and_has_timeline(app, client, people):
    client.login(people["organizer"])
    page = client.get(f"/residents/{people['helene']}").get_data(as_text=True)
    assert "Timeline" in page and "Added by Nadia Benali" in page and "Porte-à-porte" in page
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "resident.view", AuditEvent.target_id == people["helene"])
            )
            == 1
        )


def test_create_and_edit(app, client, people):
    client.login(people["organizer"])
    response = client.post_form(
        "/residents/new",
        {
            "first_name": "Amina",
            "last_name": "Diallo",
            "number": "7 ter",
            "street": "Av. Jean-Jaurès",
            "phone": "06 01 02 03 04",
            "tags": "locataire, Parent d'élève",
            "data_source": "Porte-à-porte",
            "consent_basis": "consent",
            "purpose": "Campagne loyers",
            "leadership_stage": "contact",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        amina = db.session.scalar(select(Resident).where(Resident.last_name == "Diallo"))
        assert amina.phone == "+33601020304" and amina.sort_key == "diallo amina"
        rid, version = amina.id, amina.version
    response = client.post_form(
        f"/residents/{rid}/edit",
        {
            "version": version,
            "first_name": "Amina",
            "last_name": "Diallo-Sow",
            "data_source": "Porte-à-porte",
            "leadership_stage": "volunteer",
            "number": "7 ter",
            "street": "avenue Jean Jaures",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/residents/{rid}").get_data(as_text=True)
    assert "Diallo-Sow" in page and "Edited by" in page


def test_bad_phone_redisplays_the_form(client, people):
    client.login(people["organizer"])
    response = client.post_form("/residents/new", {"last_name": "X", "phone": "12", "data_source": "x"})
    assert response.status_code == 200 and "Not a phone number" in response.get_data(as_text=True)


def test_concurrent_edit_shows_conflict(app, people):
    first, second = app.test_client(), app.test_client()
    first.login(people["organizer"])
    second.login(people["leader"])
    rid = people["helene"]
    form_a = first.get(f"/residents/{rid}/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form_a).group(1)
    base = {
        "first_name": "Hélène",
        "last_name": "Dupont",
        "data_source": "Porte-à-porte",
        "leadership_stage": "contact",
        "number": "12 bis",
        "street": "Rue Joffre",
    }
    assert (
        second.post_form(
            f"/residents/{rid}/edit", {**base, "version": version, "email": "theirs@example.org"}
        ).status_code
        == 302
    )
    response = first.post_form(f"/residents/{rid}/edit", {**base, "version": version, "email": "mine@example.org"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "theirs@example.org" in page and "mine@example.org" in page
    with app.app_context():
        assert db.session.get(Resident, rid).email == "theirs@example.org"
    # "Save my version" re-posts my values against the version now saved: it goes through.
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    with app.app_context():
        assert fields["email"] == "mine@example.org" and fields["version"] == str(db.session.get(Resident, rid).version)
    assert first.post(f"/residents/{rid}/edit", data=fields).status_code == 302
    with app.app_context():
        assert db.session.get(Resident, rid).email == "mine@example.org"


def test_bulk_tag_from_list(app, client, people):
    client.login(people["organizer"])
    response = client.post_form(
        "/residents/bulk-tag",
        {"tag": "Parent d'élève", "action": "add", "resident_ids": [people["helene"], people["marc"]]},
    )
    assert response.status_code == 302
    with app.app_context():
        tag = db.session.scalar(select(Tag).where(Tag.name == "parent d'élève"))
        count = db.session.scalar(
            select(func.count())
            .select_from(Resident.tags.property.secondary)
            .where(Resident.tags.property.secondary.c.tag_id == tag.id)
        )
        assert count == 2
        assert (
            db.session.scalar(select(AuditEvent.details).where(AuditEvent.action == "residents.bulk_tag"))["count"] == 2
        )


def test_canvasser_sees_only_assigned_turf_and_cannot_export(client, people):
    client.login(people["canvasser"])
    page = client.get("/residents/").get_data(as_text=True)
    assert "Hélène" in page and "Lefèvre" not in page
    assert client.get(f"/residents/{people['marc']}").status_code == 404
    assert client.get(f"/residents/{people['helene']}").status_code == 200
    assert client.post_form("/residents/export", {"format": "csv"}).status_code == 403
    assert client.get("/residents/import").status_code == 403
    assert client.get(f"/residents/{people['helene']}/edit").status_code == 403


def test_expired_assignment_hides_everyone(app, client, people):
    from datetime import date, timedelta

    from organizer.turfs.models import TurfAssignment

    with app.app_context():
        for assignment in db.session.scalars(select(TurfAssignment)):
            assignment.until = date.today() - timedelta(days=1)
        db.session.commit()
    client.login(people["canvasser"])
    assert "Hélène" not in client.get("/residents/").get_data(as_text=True)


def test_export_csv_french_with_bom_and_neutralised_cells(app, client, people):
    with app.app_context():
        services.create_resident({"first_name": '=HYPERLINK("http://x")', "last_name": "@evil", "data_source": "-1+1"})
        db.session.commit()
    client.login(people["organizer"])
    client.post_form("/language", {"lang": "fr"})
    response = client.post_form("/residents/export", {"format": "csv"})
    assert response.status_code == 200
    data = response.data
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    header = text.splitlines()[0]
    assert header.startswith("id;first_name;last_name")
    assert "'=HYPERLINK" in text and "'@evil" in text and "'-1+1" in text
    zoe_line = next(line for line in text.splitlines() if "Bernard" in line)
    assert "zoe@example.org" not in zoe_line and "+33611111111" not in zoe_line and ";1;" in zoe_line
    with app.app_context():
        details = db.session.scalar(select(AuditEvent.details).where(AuditEvent.action == "residents.export"))
        assert details["count"] == 4 and details["format"] == "csv"


def test_export_english_uses_commas_and_xlsx(client, people):
    client.login(people["organizer"])
    text = client.post_form("/residents/export", {"format": "csv"}).data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("id,first_name,last_name")
    response = client.post_form("/residents/export?q=helene", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "id" and len(rows) == 2 and rows[1][1] == "Hélène"


def test_support_level_hidden_when_disabled(app, client, people):
    app.config["SUPPORT_LEVELS_ENABLED"] = False
    client.login(people["organizer"])
    assert "Support level" not in client.get(f"/residents/{people['helene']}/edit").get_data(as_text=True)
    with app.app_context():
        version = db.session.get(Resident, people["helene"]).version
    client.post_form(
        f"/residents/{people['helene']}/edit",
        {
            "version": version,
            "first_name": "Hélène",
            "last_name": "Dupont",
            "data_source": "x",
            "leadership_stage": "contact",
            "support_level": "5",
        },
    )
    with app.app_context():
        assert db.session.get(Resident, people["helene"]).support_level is None


def test_household_page(client, people, app):
    with app.app_context():
        household_id = db.session.get(Resident, people["helene"]).household_id
    client.login(people["organizer"])
    page = client.get(f"/residents/households/{household_id}").get_data(as_text=True)
    assert "12 bis Rue Joffre" in page and "Hélène Dupont" in page
