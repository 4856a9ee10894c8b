"""The printed agenda and sign-in sheet, read back in order, in French and in English; the CLI."""

import io
from datetime import UTC, date, datetime

from flask_babel import force_locale
from pypdf import PdfReader
from sqlalchemy import select

from organizer.audit.models import AuditEvent
from organizer.core.models import Organization
from organizer.extensions import db
from organizer.meetings import commitments, printing, services
from organizer.meetings.models import Meeting


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _in_order(text: str, *parts: str) -> None:
    position = -1
    for part in parts:
        found = text.find(part, position + 1)
        assert found > position, f"{part!r} missing or out of order"
        position = found


def _meeting_with_people(app, make_user, make_resident, make_meeting) -> int:
    chair_id, _ = make_user("organizer", name="Nadia Benali")
    helene = make_resident("Hélène", "Dupont", phone="+33612345678")
    refus = make_resident("Paul", "Secret", phone="+33699999999", do_not_contact=True)
    absent = make_resident("Jeanne", "Absente")
    meeting_id = make_meeting(
        "Planification campagne loyers",
        starts_at=datetime(2030, 3, 12, 22, 30, tzinfo=UTC),  # 23:30 in Paris: the agenda crosses midnight
        template_key="campaign_planning",
        place="Local de l'union, 3 rue Joffre",
        purpose="Décider de la prochaine action",
    )
    with app.app_context():
        db.session.add(Organization(name="Union des locataires", contact_email="contact@union.test"))
        meeting = db.session.get(Meeting, meeting_id)
        services.update_meeting(meeting, chair_id=chair_id)
        services.add_resident_attendee(meeting, helene, rsvp="yes")
        services.add_resident_attendee(meeting, refus, rsvp="yes")
        services.add_resident_attendee(meeting, absent, rsvp="no")
        services.add_user_attendee(meeting, chair_id, rsvp="maybe")
        commitments.add_action_item(meeting, "Appeler le bailleur", resident_id=helene, due_date=date(2030, 3, 20))
        db.session.commit()
    return meeting_id


def test_agenda_pdf_in_french_and_english(app, make_user, make_resident, make_meeting):
    meeting_id = _meeting_with_people(app, make_user, make_resident, make_meeting)
    with app.app_context():
        meeting = services.load_meeting(meeting_id)
        with force_locale("fr"):
            services.ensure_builtin_templates()
            french = pdf_text(printing.agenda_pdf(meeting))
        with force_locale("en"):
            english = pdf_text(printing.agenda_pdf(meeting))
    # The header, then the timed items in order (past midnight), then the commitments table.
    _in_order(
        french,
        "Planification campagne loyers",
        "Local de l'union",
        "Décider de la prochaine action",
        "Présidence",
        "Nadia Benali",
        "23:30",
        "23:40",
        "00:10",
        "Engagements",
        "Appeler le bailleur",
    )
    _in_order(
        english,
        "Planification campagne loyers",
        "Purpose: Décider de la prochaine action",
        "Chair: Nadia Benali",
        "23:30",
        "Welcome and check-in",
        "23:40",
        "Commitments review",
        "Commitments",
        "Who",
        "What",
        "By when",
        "Hélène Dupont",
        "Appeler le bailleur",
    )
    assert "Tuesday, March 12, 2030" in english
    assert "mardi 12 mars 2030" in french


def test_sign_in_sheet(app, make_user, make_resident, make_meeting):
    meeting_id = _meeting_with_people(app, make_user, make_resident, make_meeting)
    with app.app_context():
        meeting = services.load_meeting(meeting_id)
        with force_locale("en"):
            english = pdf_text(printing.sign_in_pdf(meeting, blank=7))
        with force_locale("fr"):
            french = pdf_text(printing.sign_in_pdf(meeting))
    # Those who said yes or maybe, never a do-not-contact resident nor someone who said no.
    _in_order(english, "Sign-in sheet", "Name", "Phone", "E-mail", "Hélène Dupont", "Nadia Benali")
    assert "Secret" not in english and "+33699999999" not in english and "Absente" not in english
    # Names only: the sheet goes round the table, contact columns are blank for each person to fill in.
    assert "+33612345678" not in english and "+33612345678" not in french
    assert "write your phone and e-mail yourself" in english
    # 2 pre-filled lines then 7 blank ones, numbered 1..9; one tick box per line.
    assert english.count("☐") == 9
    _in_order(english, "\n9", "Your data", "What we record", "object", "erase", "contact@union.test")
    assert french.count("☐") == 2 + printing.DEFAULT_BLANK_LINES
    _in_order(french, "Feuille d’émargement", "Nom", "Téléphone", "Vos données", "effacer", "contact@union.test")


def test_pdf_downloads_are_audited(app, client, make_user, make_meeting):
    _uid, email = make_user("organizer")
    client.login(email)
    meeting_id = make_meeting()
    response = client.get(f"/meetings/{meeting_id}/agenda.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    response = client.get(f"/meetings/{meeting_id}/sign-in.pdf?blank=3")
    assert response.status_code == 200 and pdf_text(response.data).count("☐") == 3
    assert client.get(f"/meetings/{meeting_id}/sign-in.pdf?blank=500").status_code == 302
    with app.app_context():
        kinds = [
            e.details["kind"]
            for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == "meeting.print"))
        ]
    assert kinds == ["agenda", "sign_in"]


def test_agenda_cli(app, runner, make_meeting, tmp_path):
    meeting_id = make_meeting("Bilan de l'action", template_key="debrief")
    out = tmp_path / "agenda.pdf"
    result = runner.invoke(args=["agenda", str(meeting_id), "--out", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    _in_order(pdf_text(out.read_bytes()), "Bilan de l'action", "Highlights", "Lowlights", "Feelings", "Next steps")
    sheet = tmp_path / "sign-in.pdf"
    result = runner.invoke(
        args=["agenda", str(meeting_id), "--out", str(sheet), "--sign-in", "--blank", "4", "--lang", "fr"]
    )
    assert result.exit_code == 0, result.output
    text = pdf_text(sheet.read_bytes())
    assert "Feuille d’émargement" in text and text.count("☐") == 4
    assert runner.invoke(args=["agenda", "9999", "--out", str(out)]).exit_code != 0
