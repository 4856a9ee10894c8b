"""Steps shared by the end-to-end journeys (tests/browser/test_journeys.py): a person at the keyboard.

Every page a journey reaches goes through visit_check: axe-core (no serious or critical violation), a short
help text for organizers, no English left when the page is in French, and a screenshot for a person to look at.
"""

import csv
import io
import re
from pathlib import Path

from pypdf import PdfReader

from tests.browser.conftest import assert_accessible, screenshot
from tests.support.french import english_in_french_page

DATA = Path(__file__).resolve().parents[1] / "data"
BAN_FILE = DATA / "fr-ban-legacy-54084-mont-bonvillers.csv"
STREETS = ("rue de la paix", "place du 19 mars 1962")
PASSWORDS = {"default": "une phrase assez longue pour passer"}
# Residents file of an association (invented people), on real addresses of the BAN file above;
# the last column is not recognised from its name: the organizer maps it by hand.
RESIDENTS_CSV = (
    "Prénom;Nom;Numéro;Rue;Code postal;Refus de contact\n"
    "Omar;Benali;1;rue de la paix;54111;non\n"
    "Hélène;Dupont;2;rue de la paix;54111;non\n"
    "Marc;Lefèvre;3;rue de la paix;54111;oui\n"
    "Sophie;Roux;1;place du 19 mars 1962;54111;non\n"
)
# Strings typed by the people in the journeys: user data, allowed to be in any language.
USER_DATA = (
    "Omar Benali",
    "Hélène Dupont",
    "Marc Lefèvre",
    "Sophie Roux",
    "Camille Laurent",
    "Nadia Benali",
    "Léa Dubois",
    "Julien Moreau",
)


def is_french(page) -> bool:
    return page.locator("html").get_attribute("lang") == "fr"


def visit_check(page, name: str, user_data: tuple[str, ...] = (), help_text: bool = True) -> None:
    """The checks every page of a journey passes; a screenshot of it in test-artifacts/screenshots."""
    page.wait_for_load_state()
    assert_accessible(page)
    if help_text:
        # An introduction to the screen (a field's own hint does not count).
        intro = page.locator("main p.hint:not(.field p), main p.lead, main .help")
        assert intro.count() > 0, f"no help text for organizers on {page.url}"
    if is_french(page):
        english = english_in_french_page(page.content(), user_data=USER_DATA + tuple(user_data))
        assert english == [], f"English left on the French page {page.url}: {english}"
    lang = page.locator("html").get_attribute("lang")
    screenshot(page, f"journey-{name}-{lang}")


def t(page, english: str, french: str) -> str:
    """The label a person reads, in the page's language."""
    return french if is_french(page) else english


# --- Keyboard ------------------------------------------------------------------------------------------


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && (document.activeElement.id || document.activeElement.name)")


def assert_focus_visible(page) -> None:
    """The focused element shows a focus ring (the keyboard user sees where they are)."""
    style = page.evaluate(
        """() => { const e = document.activeElement; const s = getComputedStyle(e);
        return {visible: e.matches(':focus-visible'), outline: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }"""
    )
    assert style["visible"] and style["outline"] != "none" and style["width"] >= 2, style


def tab(page, expected: str | None = None, shift: bool = False) -> None:
    """Press Tab; the focus moves to the element with id (or name) `expected`, with a visible ring."""
    page.keyboard.press("Shift+Tab" if shift else "Tab")
    if expected is not None:
        assert focused_id(page) == expected, f"focus went to {focused_id(page)!r}, not {expected!r}"
    assert_focus_visible(page)


def tab_until(page, predicate_js: str, limit: int = 40) -> None:
    """Tab forward until the focused element matches `predicate_js` (e => boolean); fail after `limit` presses."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"({predicate_js})(document.activeElement)"):
            assert_focus_visible(page)
            return
    raise AssertionError(f"Tab never reached {predicate_js}")


def choose_with_keyboard(page, label: str, prefix: bool = False, by_value: bool = False) -> None:
    """On a focused native select: the arrow keys, until the option `label` (or one starting so) is chosen."""
    script = "document.activeElement.selectedOptions[0]." + ("value" if by_value else "textContent.trim()")
    assert page.evaluate("document.activeElement.tagName") == "SELECT"
    page.keyboard.press("Home")
    for _ in range(30):
        text = page.evaluate(script)
        if text == label or (prefix and text.startswith(label)):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {label!r} in the select")


def press_and_wait(page, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


# --- Accounts ------------------------------------------------------------------------------------------


def choose_language(page, lang: str) -> None:
    """The language switcher in the header, as a person would use it."""
    name = {"fr": "Français", "en": "English"}[lang]
    button = page.locator(f".language-switch button[lang={lang}]")
    assert button.inner_text() == name
    if button.get_attribute("aria-pressed") != "true":
        with page.expect_navigation():
            button.click()
    assert page.locator("html").get_attribute("lang") == lang


def sign_in_with_keyboard(page, base: str, email: str, password: str, check: bool = True, lands_on=None) -> None:
    """The login form, keyboard only: type the e-mail, Tab to the password, Enter."""
    if not page.url.startswith(f"{base}/login"):
        page.goto(f"{base}/login")
    if check:
        visit_check(page, "login")
    page.locator("#email").focus()
    page.keyboard.type(email)
    tab(page, "password")
    page.keyboard.type(password)
    press_and_wait(page, "Enter")
    page.wait_for_url(lands_on or f"{base}/")


def sign_out(page) -> None:
    toggle = page.locator(".nav-toggle")
    if toggle.is_visible():
        toggle.click()
    with page.expect_navigation():
        page.get_by_test_id("logout").click()


def invite(page, name: str, email: str, role: str, role_label: str, check: bool = True) -> str:
    """On the users page: invite someone (keyboard only); returns the link to hand them."""
    page.locator("#display_name").focus()
    page.keyboard.type(name)
    tab(page, "email")
    page.keyboard.type(email)
    tab(page, "role")
    choose_with_keyboard(page, role_label)
    tab(page, "submit")
    press_and_wait(page, "Enter")
    link = page.get_by_test_id("invitation-url").input_value()
    assert "/invitation/" in link
    if check:
        visit_check(page, f"invited-{role}", user_data=(name, email))
    return link


def accept_invitation(page, link: str, password: str = PASSWORDS["default"], check: bool = True) -> None:
    """The invited person opens their link and chooses a password, keyboard only."""
    page.goto(link)
    if check:
        visit_check(page, "invitation")
    page.locator("#password").focus()
    page.keyboard.type(password)
    tab(page, "confirm")
    page.keyboard.type(password)
    press_and_wait(page, "Enter")


def open_nav(page, label: str) -> None:
    """A link of the main navigation (the menu is folded on a phone)."""
    toggle = page.locator(".nav-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    with page.expect_navigation():
        page.locator("#site-nav").get_by_role("link", name=label, exact=True).click()


# --- Files ---------------------------------------------------------------------------------------------


def ban_extract(folder: Path) -> Path:
    """The BAN rows of two streets of Mont-Bonvillers, copied from tests/data (source: tests/data/README.md)."""
    with BAN_FILE.open(encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    keep = [lines[0]] + [line for line in lines[1:] if line.split(";")[1] in STREETS]
    path = folder / "ban-54084-extrait.csv"
    path.write_text("\n".join(keep) + "\n", encoding="utf-8")
    return path


def ban_count() -> int:
    with BAN_FILE.open(encoding="utf-8") as handle:
        return sum(1 for row in csv.reader(handle, delimiter=";") if len(row) > 1 and row[1] in STREETS)


def residents_file(folder: Path) -> Path:
    path = folder / "adherents.csv"
    path.write_text(RESIDENTS_CSV, encoding="utf-8")
    return path


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


def download(page, trigger) -> tuple[str, bytes]:
    """Click `trigger` (a locator) and return the downloaded file's name and bytes."""
    with page.expect_download() as info:
        trigger.click()
    path = info.value.path()
    return info.value.suggested_filename, Path(path).read_bytes()


# --- The organizer's first steps (journey 1, and the set-up of the others) ---------------------------


def import_addresses(page, base: str, folder: Path, check: bool = True) -> None:
    """Upload the BAN extract: recognised from its header, checked, then imported."""
    if not page.url.startswith(f"{base}/residents/import"):
        page.goto(f"{base}/residents/import")
    if check:
        visit_check(page, "import-upload")
    page.locator("#file").set_input_files(str(ban_extract(folder)))
    # The page sends the file itself (with a progress bar) and writes the answer in place.
    page.locator("#submit").click()
    page.get_by_test_id("confirm-import").wait_for()
    if check:
        visit_check(page, "import-addresses-check")
    page.get_by_test_id("confirm-import").click()
    page.locator(".import-done, [data-testid=import-done]").first.wait_for()
    if check:
        visit_check(page, "import-addresses-done")


def import_residents(page, base: str, folder: Path, check: bool = True) -> None:
    """Upload the association's list: choose the columns (one by hand), check, import with a data source."""
    page.goto(f"{base}/residents/import")
    page.locator("#file").set_input_files(str(residents_file(folder)))
    page.locator("#submit").click()
    page.wait_for_url(re.compile(r".*/residents/import/[^/]+/map$"))
    # Recognised from their names: first name, last name, number, street.
    assert page.locator("#map-first_name").input_value() == "Prénom"
    assert page.locator("#map-street").input_value() == "Rue"
    assert page.locator("#map-do_not_contact").input_value() == ""
    page.locator("#map-do_not_contact").select_option("Refus de contact")
    page.locator("#map-postcode").select_option("Code postal")
    if check:
        visit_check(page, "import-residents-map", user_data=("Refus de contact", "Code postal", "Prénom", "Numéro"))
    page.locator("form.mapping-form button[type=submit]").click()
    page.get_by_test_id("confirm-import").wait_for()
    assert page.get_by_test_id("created-residents").inner_text() == "4"
    page.locator("#source").fill("Adhérents 2026")
    if check:
        visit_check(page, "import-residents-check", user_data=("adherents.csv",))
    page.get_by_test_id("confirm-import").click()
    page.locator(".import-done, [data-testid=import-done]").first.wait_for()
    if check:
        visit_check(page, "import-residents-done", user_data=("adherents.csv",))


def cut_turf(page, base: str, name: str, street: str, check: bool = True) -> None:
    """Cut a turf by street, keyboard only: name, Tab to the streets, pick one, preview, create."""
    if not page.url.startswith(f"{base}/turfs/new"):
        page.goto(f"{base}/turfs/new")
    if check:
        visit_check(page, "turf-new")
    page.locator("#name").focus()
    page.keyboard.type(name)
    tab(page, "streets")
    # A list box: typing selects the street whose name starts so (Space keeps it ticked).
    page.keyboard.type(street)
    selected = page.evaluate("[...document.activeElement.selectedOptions].map(o => o.value.toLowerCase())")
    assert selected == [street.lower()], selected
    # Enter in the name field sends the form with its first button: Preview.
    page.locator("#name").focus()
    press_and_wait(page, "Enter")
    picks = page.locator(".address-picks input[type=checkbox]")
    assert picks.count() == 3
    if check:
        visit_check(page, "turf-preview", user_data=(name, street))
    tab_until(page, "e => e.name === 'step' && e.value === 'create'")
    press_and_wait(page, "Enter")
    page.wait_for_url(re.compile(r".*/turfs/\d+$"))
    assert page.locator("h1").inner_text() == name


def assign_turf(page, person: str, check: bool = True) -> None:
    """On the turf's page: give it to a canvasser until a date (the default date is filled in)."""
    page.locator("#user_id").focus()
    choose_with_keyboard(page, person, prefix=True)
    tab(page, "until")
    assert page.locator("#until").input_value()  # a month from today, ready to change
    # Tab goes through the date's day, month and year, then to the button.
    tab_until(page, "e => e.tagName === 'BUTTON'", limit=4)
    assert page.evaluate("document.activeElement.textContent.trim()") == t(page, "Assign", "Confier")
    press_and_wait(page, "Enter")
    assert page.locator("#assignments li", has_text=person).is_visible()


def qr_codes_in_pdf(data: bytes, candidates: list[str]) -> list[str]:
    """The candidate URLs whose QR code is printed in the PDF, decoded with zxing-cpp from the PDF's images
    (one pixel per module: enlarged, a white margin added). The print's token (`?p=…`, which names the print
    for reading it back from a photo) is set aside: the candidates are the door pages a person sees."""
    import zxingcpp
    from PIL import Image, ImageOps

    printed = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for image in page.images:
            picture = image.image.convert("L")
            if picture.width > 200:
                continue  # not a QR code (the rows of boxes)
            big = ImageOps.expand(picture.resize((picture.width * 8, picture.height * 8), Image.NEAREST), 32, 255)
            for code in zxingcpp.read_barcodes(big, formats=zxingcpp.BarcodeFormat.QRCode):
                printed.add(code.text.split("?", 1)[0])
    return [url for url in candidates if url in printed]
