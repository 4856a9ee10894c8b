"""The e-mail sent or waiting for a person, for subject access and erasure (contributions.py)."""

from sqlalchemy import delete, select

from organizer.extensions import db
from organizer.mail.models import OutgoingMail


def mail_section(resident):
    """Each message to the resident: subject, address, state and when it was written."""
    mail = db.session.execute(
        select(OutgoingMail.subject, OutgoingMail.to_address, OutgoingMail.state, OutgoingMail.created_at)
        .where(OutgoingMail.resident_id == resident.id)
        .order_by(OutgoingMail.id)
    ).all()
    return "mail", [
        {"email": subject, "to": to, "state": state, "at": at.isoformat() if at else None}
        for subject, to, state, at in mail
    ]


def forget_mail(resident_ids: list[int]) -> dict[str, int]:
    """Queued and sent e-mail goes with the person (names and addresses are in it)."""
    result = db.session.execute(delete(OutgoingMail).where(OutgoingMail.resident_id.in_(resident_ids)))
    return {"outgoing_mail_deleted": result.rowcount}
