"""Demo turnout: the Acacias public assembly has a published sign-up page, invited neighbours and a call list
shared between the organizer and the leader (idempotent)."""

from sqlalchemy import select

from organizer.auth.models import User
from organizer.campaigns.models import Action, Attendee
from organizer.extensions import db
from organizer.residents.models import Resident
from organizer.turnout import calls
from organizer.turnout.models import SignupPage

ACTION_TITLE = "Assemblée publique des locataires des Acacias"
CALLERS = ("organisatrice@demo.organizer.test", "responsable@demo.organizer.test")
INVITED = 12


def load(report) -> None:
    """Publish the assembly's page, invite a dozen neighbours with a phone, build and share the call list."""
    action = db.session.scalar(select(Action).where(Action.title == ACTION_TITLE))
    if action is None or db.session.scalar(select(SignupPage.id).where(SignupPage.action_id == action.id)):
        return
    import secrets

    db.session.add(SignupPage(action_id=action.id, code=secrets.token_urlsafe(6), published=True))
    listed = set(db.session.scalars(select(Attendee.resident_id).where(Attendee.action_id == action.id)))
    neighbours = db.session.scalars(
        select(Resident)
        .where(Resident.phone.is_not(None), Resident.do_not_contact.is_(False))
        .order_by(Resident.id)
        .limit(INVITED + len(listed))
    )
    answers = (None, None, "yes", "maybe")
    for number, resident in enumerate(r for r in neighbours if r.id not in listed):
        if number >= INVITED:
            break
        db.session.add(Attendee(action_id=action.id, resident_id=resident.id, rsvp=answers[number % 4], consent=True))
    db.session.flush()
    callers = [user.id for user in db.session.scalars(select(User).where(User.email.in_(CALLERS)).order_by(User.id))]
    if callers:
        calls.build(calls.load_event("action", action.id), callers)
    report.count("sign-up pages")
