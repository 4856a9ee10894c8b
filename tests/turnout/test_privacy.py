"""Subject access lists what turnout holds about a person; erasure takes it away with them."""

from sqlalchemy import func, select

from organizer.extensions import db
from organizer.mail.models import OutgoingMail
from organizer.privacy import services as privacy
from organizer.residents.models import Resident
from organizer.turnout.models import ReminderCall, Signup
from tests.turnout.test_signup import public_form


def test_access_export_and_erasure_cover_signups_calls_and_mail(app, client, world, published, smtp):
    public_form(client, published, email="fatima@example.org", phone="0612345678", party_size="2")
    client.login(world["organizer"])
    client.post_form(f"/turnout/action/{world['action']}/calls", {"caller": [str(world["organizer_id"])]})
    with app.app_context():
        call = db.session.scalar(select(ReminderCall))
        resident_id, call_id, version = call.resident_id, call.id, call.version
    client.post_form(
        f"/turnout/calls/{call_id}", {"outcome": "maybe", "note": "Rappeler après 18 h", "version": version}
    )
    with app.app_context():
        data = privacy.subject_access(resident_id)
        rows = data["turnout"]
        assert rows[0]["email_consent"] is True
        assert any(row.get("signup") == "Délégation chez le bailleur" and row["people"] == 2 for row in rows)
        assert any(row.get("note") == "Rappeler après 18 h" and row["outcome"] == "maybe" for row in rows)
        assert any(row.get("to") == "fatima@example.org" and row["state"] == "sent" for row in data["mail"])
        counts = privacy.erase_residents([resident_id], reason="test")
        db.session.commit()
        assert counts["signups_deleted"] == 1 and counts["reminder_calls_deleted"] == 1
        assert counts["outgoing_mail_deleted"] >= 1
        assert db.session.get(Resident, resident_id) is None
        for model in (Signup, ReminderCall, OutgoingMail):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0
