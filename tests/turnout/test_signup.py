"""The public sign-up page: no account, finds or creates the resident, consent, e-mail, abuse limits."""

from icalendar import Calendar
from sqlalchemy import func, select

from organizer.audit.models import AuditEvent
from organizer.campaigns.models import Attendee
from organizer.extensions import db
from organizer.residents.models import Resident
from organizer.turnout.models import Signup
from tests.conftest import CSRF_PATTERN
from tests.turnout.smtp import attachments, bodies


def public_form(client, path: str, **fields):
    """GET the public page (its CSRF token), then POST the form as a browser would."""
    page = client.get(path).get_data(as_text=True)
    token = CSRF_PATTERN.search(page).group(1)
    data = {
        "csrf_token": token,
        "first_name": "Fatima",
        "last_name": "Benali",
        "email": "",
        "phone": "",
        "party_size": "1",
        "consent": "y",
        "website": "",
    }
    data.update(fields)
    return client.post(path, data=data, environ_base=fields.pop("environ", None) or {})


def resident_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Resident.id)))


def test_sign_up_in_french_creates_the_resident_and_emails_a_confirmation(app, client, world, published, smtp):
    client.post("/language", data={"lang": "fr", "next": published, "csrf_token": client.csrf_token()})
    page = client.get(published).get_data(as_text=True)
    assert "Délégation chez le bailleur" in page and "Un calendrier des travaux" in page
    assert "12 rue de la Gare" in page and "Union des locataires garde mes nom et coordonnées" in page
    response = public_form(client, published, email="Fatima@Example.org", phone="06 12 34 56 78", party_size="3")
    assert response.status_code == 302 and response.headers["Location"].endswith("/merci")
    assert "Merci, à bientôt" in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        resident = db.session.scalar(select(Resident))
        assert (resident.email, resident.phone) == ("fatima@example.org", "+33612345678")
        assert resident.data_source == "Page d’inscription : Délégation chez le bailleur"
        assert resident.consent_basis == "consent" and resident.email_consent
        assert "Union des locataires garde mes nom" in resident.consent_method
        attendee = db.session.scalar(select(Attendee))
        assert (attendee.resident_id, attendee.rsvp) == (resident.id, "yes")
        assert db.session.scalar(select(Signup.party_size)) == 3
        assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "signup.create"))
    [message] = smtp.collector.to("fatima@example.org")
    assert message["Subject"] == "Vous êtes inscrit·e : Délégation chez le bailleur"
    assert message["Content-Language"] == "fr"
    assert message["From"].addresses[0].display_name == "Union des locataires"
    assert message["Reply-To"].addresses[0].addr_spec == "contact@union.example"
    assert message["List-Unsubscribe"].startswith("<https://organizer.example.org/r/unsubscribe/")
    text, html = bodies(message)
    assert "Bonjour Fatima," in text and "Un calendrier des travaux" in text
    assert "contact@union.example" in text and "contact@union.example" in html
    assert "https://organizer.example.org/r/cancel/" in text and "https://organizer.example.org/r/unsubscribe/" in text
    assert f"https://organizer.example.org{published}" in html
    [event] = Calendar.from_ical(attachments(message)[f"action-{world['action']}.ics"]).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Délégation chez le bailleur"
    assert "Un calendrier des travaux" in event["DESCRIPTION"]
    assert str(event["URL"]) == f"https://organizer.example.org{published}" and "turnout" not in event["DESCRIPTION"]
    # The organizer sees the turnout counting the three people.
    client.login(world["organizer"])
    figures = client.get(f"/turnout/actions/{world['action']}/turnout.json").get_json()
    assert (figures["confirmed"], figures["goal"]) == (3, 30)


def test_english_page_and_the_same_person_twice_is_one_resident(app, client, published, smtp):
    client.post("/language", data={"lang": "en", "next": published, "csrf_token": client.csrf_token()})
    public_form(client, published, email="sam@example.org", first_name="Sam", last_name="Martin")
    public_form(
        client,
        published,
        phone="0611223344",
        email="SAM@example.org",
        first_name="sam",
        last_name="MARTIN",
        party_size="2",
    )
    assert resident_count(app) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count(Signup.id))) == 1
        assert db.session.scalar(select(Signup.party_size)) == 2
        assert db.session.scalar(select(Resident.phone)) == "+33611223344"
    subjects = [m["Subject"] for m in smtp.collector.to("sam@example.org")]
    assert subjects == ["You are signed up: Délégation chez le bailleur"]  # one confirmation, not two
    # Same e-mail, another name: a family's shared address makes a second resident.
    public_form(client, published, email="sam@example.org", first_name="Inès", last_name="Martin")
    assert resident_count(app) == 2


def test_a_resident_who_objected_gets_nothing(app, client, published, smtp):
    with app.app_context():
        from organizer.residents import services as residents

        residents.create_resident(
            {
                "first_name": "Paul",
                "last_name": "Roux",
                "email": "paul@example.org",
                "data_source": "porte-à-porte",
                "do_not_contact": True,
            }
        )
        db.session.commit()
    response = public_form(client, published, first_name="Paul", last_name="Roux", email="paul@example.org")
    assert response.status_code == 302
    assert resident_count(app) == 1
    with app.app_context():
        paul = db.session.scalar(select(Resident))
        assert paul.do_not_contact  # signing up for an action does not lift an objection
    assert smtp.collector.to("paul@example.org") == []


def test_errors_redisplay_and_keep_nothing(app, client, published):
    response = public_form(client, published, email="", phone="", consent="")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Please correct the highlighted fields" in page
    assert "Give an e-mail or a phone number" in page and "Please tick the box" in page
    assert 'value="Fatima"' in page
    response = public_form(client, published, phone="12", email="x@example.org")
    assert "does not look like a phone number" in response.get_data(as_text=True)
    assert resident_count(app) == 0


def test_honeypot_rate_limit_size_limit_and_unpublished(app, client, published, world):
    response = public_form(client, published, website="http://spam.example", email="bot@example.org")
    assert response.status_code == 302 and resident_count(app) == 0
    app.config["SIGNUP_MAX_PER_ADDRESS"] = 3
    for number in range(2):
        assert public_form(client, published, email=f"p{number}@example.org").status_code == 302
    response = public_form(client, published, email="p9@example.org")
    assert response.status_code == 429 and "Too many sign-ups" in response.get_data(as_text=True)
    assert resident_count(app) == 2
    # Another address is not held back by that one.
    other = public_form(client, published, email="q@example.org", environ={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 302 and resident_count(app) == 3
    huge = public_form(client, published, first_name="x" * 20000, environ={"REMOTE_ADDR": "10.0.0.8"})
    assert huge.status_code == 413
    # Taken offline: the link gives nothing.
    client.login(world["organizer"])
    client.post_form(f"/campaigns/actions/{world['action']}/public-page", {"publish": "0"})
    client.post_form("/logout")
    assert client.get(published).status_code == 404


def test_page_shows_nobody_else(app, client, published):
    public_form(client, published, email="fatima@example.org", phone="0612345678")
    other = app.test_client()
    page = other.get(published).get_data(as_text=True)
    assert "Fatima" not in page and "fatima@example.org" not in page and "0612345678" not in page
    thanks = other.get(published + "/merci").get_data(as_text=True)
    assert "Fatima" not in thanks


def test_flyer_pdf_carries_the_short_link_and_its_qr_code(app, client, world, published):
    import io

    import segno
    from PIL import Image
    from pypdf import PdfReader

    client.login(world["canvasser"])
    response = client.get(f"/campaigns/actions/{world['action']}/public-page/flyer.pdf")
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = reader.pages[0].extract_text()
    assert "Délégation chez le bailleur" in text and "Un calendrier des travaux" in text
    assert f"https://organizer.example.org{published}" in text.replace("\n", "")
    [image] = reader.pages[0].images
    # The printed code is the short link's: same modules as a QR code made from the URL.
    printed = Image.open(io.BytesIO(image.data)).convert("1")
    expected = Image.open(
        io.BytesIO(_png(segno.make_qr(f"https://organizer.example.org{published}", error="m")))
    ).convert("1")
    assert printed.size == expected.size and printed.tobytes() == expected.tobytes()
    qr = client.get(f"/campaigns/actions/{world['action']}/public-page/qr.svg")
    assert qr.mimetype == "image/svg+xml" and b"<svg" in qr.data


def _png(qr) -> bytes:
    import io

    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=1, border=2)
    return buffer.getvalue()
