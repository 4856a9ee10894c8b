"""Verbs of the public sign-up page: publish, throttle, sign up (find or create the resident), cancel, unsubscribe."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from organizer.audit import services as audit
from organizer.auth.models import LoginAttempt
from organizer.campaigns.models import Action, Attendee
from organizer.db import utcnow
from organizer.extensions import db
from organizer.kernel.time import aware_utc, local_today
from organizer.mail import services as mail
from organizer.residents import services as residents
from organizer.residents.models import Resident
from organizer.residents.normalize import fold, name_key, phone_e164
from organizer.turnout import mailing
from organizer.turnout.models import Signup, SignupPage

# Sign-up attempts are kept in the login attempts' table (one store for every throttle), under this prefix.
THROTTLE_PREFIX = "signup:"


def public_url(code: str) -> str:
    """The short link printed on flyers."""
    return mail.external_url("signup.page", code=code)


def page_for(action_id: int) -> SignupPage | None:
    """The action's public page, published or not."""
    return db.session.scalar(select(SignupPage).where(SignupPage.action_id == action_id))


def set_published(action: Action, published: bool) -> SignupPage:
    """Publish (creating the page and its short code) or take down an action's public page."""
    page = page_for(action.id)
    if page is None:
        page = SignupPage(action_id=action.id, code=secrets.token_urlsafe(6), published=published)
        db.session.add(page)
    page.published = published
    db.session.flush()
    audit.record("signup.publish" if published else "signup.unpublish", action)
    return page


def load_published(code: str) -> tuple[SignupPage, Action] | None:
    """The published page with this code and its action (campaign, demands, target loaded)."""
    page = db.session.scalar(select(SignupPage).where(SignupPage.code == code, SignupPage.published.is_(True)))
    if page is None:
        return None
    action = db.session.scalar(
        select(Action)
        .where(Action.id == page.action_id)
        .options(selectinload(Action.campaign), selectinload(Action.demands), selectinload(Action.target))
    )
    return page, action


def is_open(action: Action) -> bool:
    """Sign-ups close when the action starts."""
    return aware_utc(action.starts_at) > utcnow()


def throttled(ip: str, action_id: int) -> bool:
    """Too many sign-ups from this address (any action) or for this action within the window."""
    config = current_app.config
    since = utcnow() - timedelta(minutes=config["SIGNUP_WINDOW_MINUTES"])
    recent = select(func.count(LoginAttempt.id)).where(LoginAttempt.attempted_at >= since)
    from_address = db.session.scalar(
        recent.where(LoginAttempt.ip == ip, LoginAttempt.email.startswith(THROTTLE_PREFIX))
    )
    if from_address >= config["SIGNUP_MAX_PER_ADDRESS"]:
        return True
    for_action = db.session.scalar(recent.where(LoginAttempt.email == f"{THROTTLE_PREFIX}{action_id}"))
    return for_action >= config["SIGNUP_MAX_PER_ACTION"]


def count_attempt(ip: str, action_id: int) -> None:
    """Remember a sign-up attempt for the throttle (succeeded=True: it is no failed login)."""
    db.session.add(LoginAttempt(email=f"{THROTTLE_PREFIX}{action_id}", ip=ip or "?", succeeded=True))


@dataclass
class SignupData:
    """What the form gave, cleaned."""

    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    party_size: int
    locale: str


def find_resident(data: SignupData) -> Resident | None:
    """The same person already known: same name (accents and case aside) and the same e-mail or phone.

    A shared family e-mail or phone with another name makes a new resident (the duplicates page shows both)."""
    contact = []
    if data.email:
        contact.append(Resident.email == data.email)
    if data.phone:
        contact.append((Resident.phone == data.phone) | (Resident.phone_alt == data.phone))
    if not contact:
        return None
    candidates = db.session.scalars(select(Resident).where(or_(*contact)).order_by(Resident.id))
    wanted = name_key(data.first_name, data.last_name)
    first = fold(data.first_name)
    for resident in candidates:
        # A last name left out on the form still matches "Fatima" to "Fatima Benali".
        if resident.name_key == wanted or (not data.last_name and fold(resident.first_name) == first):
            return resident
    return None


def clean(form) -> SignupData:
    """The form's values, trimmed and normalised."""
    return SignupData(
        first_name=form.first_name.data.strip(),
        last_name=(form.last_name.data or "").strip(),
        email=(form.email.data or "").strip().lower() or None,
        phone=phone_e164(form.phone.data) if form.phone.data else None,
        party_size=int(form.party_size.data),
        locale="",
    )


def sign_up(action: Action, data: SignupData, consent_text: str, public_url: str) -> Signup:
    """Record a sign-up: the resident (found or created, with source and consent), their RSVP, the confirmation.

    The caller commits and then starts the mail job. A second sign-up of the same person updates the first."""
    resident = find_resident(data)
    created = resident is None
    if created:
        resident = residents.create_resident(
            {
                "first_name": data.first_name,
                "last_name": data.last_name,
                "email": data.email,
                "phone": data.phone,
                "data_source": f"Page d’inscription : {action.title}"[:200],
            }
        )
    else:
        resident.email = resident.email or data.email
        resident.phone = resident.phone or data.phone
    # The box they ticked is the consent: its date, how, and (with an e-mail) consent to write to them.
    resident.consent_basis = resident.consent_basis or "consent"
    resident.consent_date = local_today()
    resident.consent_method = f"Page d’inscription publique : « {consent_text} »"[:200]
    if data.email and not resident.email_consent:
        resident.email_consent, resident.email_consent_at = True, utcnow()
    resident.last_contacted_at = utcnow()
    attendee = db.session.scalar(
        select(Attendee).where(Attendee.action_id == action.id, Attendee.resident_id == resident.id)
    )
    if attendee is None:
        attendee = Attendee(action_id=action.id, resident_id=resident.id, consent=True)
        db.session.add(attendee)
    attendee.rsvp = "yes"
    signup = db.session.scalar(select(Signup).where(Signup.action_id == action.id, Signup.resident_id == resident.id))
    if signup is None:
        signup = Signup(action_id=action.id, resident_id=resident.id)
        db.session.add(signup)
    signup.party_size, signup.locale, signup.cancelled_at = data.party_size, data.locale, None
    signup.email_consent = bool(data.email)
    db.session.flush()
    audit.record("signup.create", signup, action_id=action.id, new_resident=created, party=data.party_size)
    mailing.queue_action_message("confirmation", action, attendee, resident, locale=data.locale, public_url=public_url)
    return signup


def cancel(attendee: Attendee) -> None:
    """ "I can't come any more": the RSVP becomes no and the sign-up stops counting."""
    attendee.rsvp = "no"
    for signup in db.session.scalars(
        select(Signup).where(Signup.action_id == attendee.action_id, Signup.resident_id == attendee.resident_id)
    ):
        signup.cancelled_at = utcnow()
    audit.record("signup.cancel", attendee, action_id=attendee.action_id)


def unsubscribe(resident: Resident) -> None:
    """Withdraw consent to e-mail (the resident may still be called or visited)."""
    resident.email_consent, resident.email_consent_at = False, utcnow()
    audit.record("resident.email_unsubscribe", resident)
