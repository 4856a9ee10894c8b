"""Which column of an unknown file holds which field: column names read in French and English, accents,
case, punctuation and camelCase folded ("Étage", "etage", "FLOOR", "NumeroVoie" all read the same).

Each column is given the first field whose rule names it, rules being ordered from the most specific
("code porte", "numéro de téléphone", "nom de naissance") to the most general ("code", "numéro", "nom");
each field goes to the first column that claims it, so a person corrects rather than fills the mapping.
"""

import re

from organizer.residents.normalize import fold

# (field, phrases): a column is claimed by a rule when one phrase's words appear in its name, in order and
# side by side. The order of the rules is the order of precedence.
# The field "" claims columns that look like a field but are not ("Type de voie" is not the street,
# "Ville de naissance" not the birth date).
RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "",
        (
            "type voie",
            "type de voie",
            "lieu de naissance",
            "ville de naissance",
            "com naissance",
            "commune de naissance",
            "dept naissance",
            "departement de naissance",
            "pays naissance",
            "pays de naissance",
            "place of birth",
            "birth place",
            "birthplace",
            "date creation",
            "created at",
            "updated at",
            "date de creation",
            "date de modification",
        ),
    ),
    ("email", ("e mail", "email", "mail", "courriel", "adresse electronique", "mel")),
    (
        "access_notes",
        (
            "digicode",
            "code porte",
            "code d entree",
            "code entree",
            "code immeuble",
            "interphone",
            "door code",
            "entry code",
            "gate code",
            "buzzer",
            "access",
            "acces",
            "entry notes",
        ),
    ),
    (
        "phone_alt",
        (
            "telephone 2",
            "tel 2",
            "phone 2",
            "autre telephone",
            "other phone",
            "second phone",
            "telephone fixe",
            "tel fixe",
            "fixe",
            "landline",
            "home phone",
            "telephone domicile",
        ),
    ),
    ("phone", ("telephone", "tel", "phone", "portable", "mobile", "cell", "cellulaire", "gsm", "numero de tel")),
    (
        "postcode",
        ("code postal", "cp", "postcode", "post code", "postal code", "zip", "zip code", "zipcode", "codepostal"),
    ),
    ("insee_code", ("insee", "code commune", "code insee")),
    ("birth_name", ("nom de naissance", "nomde naissance", "nom de jeune fille", "birth name", "maiden name", "nee")),
    (
        "birth_date",
        (
            "date de naissance",
            "naissance",
            "birth date",
            "date of birth",
            "birthdate",
            "birthday",
            "dob",
            "ne le",
            "born",
        ),
    ),
    ("first_name", ("prenom", "prenoms", "first name", "firstname", "given name", "forename")),
    ("area", ("bureau de vote", "bureau", "ward", "district", "precinct", "quartier", "circonscription", "polling")),
    ("suffix", ("suffixe", "suffix", "indice de repetition", "indice", "rep", "btq", "complement de numero")),
    (
        "number",
        (
            "numero de voie",
            "numero de rue",
            "numero voie",
            "no voie",
            "n voie",
            "house number",
            "street number",
            "civic number",
            "civic",
            "numero",
            "num",
            "no",
            "n",
            "number",
            "nr",
        ),
    ),
    ("staircase", ("escalier", "esc", "staircase", "stair", "stairs", "cage")),
    ("floor", ("etage", "etg", "floor", "niveau", "level")),
    (
        "door",
        (
            "porte",
            "door",
            "appartement",
            "appart",
            "appt",
            "apt",
            "apartment",
            "logement",
            "lgt",
            "suite",
            "unit",
            "flat",
        ),
    ),
    ("building", ("batiment", "bat", "building", "bldg", "immeuble", "imm")),
    (
        "unit",
        (
            "complement d adresse",
            "complement adresse",
            "complement",
            "adresse 2",
            "address 2",
            "address line 2",
            "address2",
            "adresse2",
            "line 2",
        ),
    ),
    (
        "street",
        (
            "nom de voie",
            "libelle voie",
            "libelle de voie",
            "nom de rue",
            "voie",
            "rue",
            "street",
            "street name",
            "road",
            "lieu dit",
        ),
    ),
    ("city", ("commune", "ville", "city", "localite", "town", "municipality", "village", "nom commune")),
    ("address", ("adresse", "address", "adresse postale", "addr", "address line 1", "adresse 1", "domicile")),
    ("last_name", ("nom d usage", "nom de famille", "last name", "lastname", "surname", "family name", "nom", "name")),
    ("lat", ("latitude", "lat")),
    ("lon", ("longitude", "lon", "lng", "long")),
    ("tags", ("etiquettes", "etiquette", "tags", "tag", "labels", "mots cles")),
    ("languages", ("langues", "langue", "languages", "language", "langues parlees")),
    ("do_not_contact", ("ne pas contacter", "ne plus contacter", "do not contact", "dnc", "opt out", "stop")),
    (
        "note",
        (
            "note",
            "notes",
            "commentaire",
            "commentaires",
            "remarque",
            "remarques",
            "comment",
            "comments",
            "observations",
        ),
    ),
    ("source_id", ("identifiant", "id", "ref", "reference", "numero electeur", "no electeur", "matricule")),
)


def words(column: str) -> list[str]:
    """A column name as folded words: "NomDeNaissance" -> ["nom", "de", "naissance"], "E-mail" -> ["e", "mail"]."""
    spaced = re.sub(r"(?<=[a-zà-ÿ])(?=[A-ZÀ-Þ])", " ", column or "")
    spaced = re.sub(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])", " ", spaced)
    return fold(spaced).split()


def _contains(haystack: list[str], needle: list[str]) -> bool:
    size = len(needle)
    return any(haystack[i : i + size] == needle for i in range(len(haystack) - size + 1))


# Every rule's phrases as word lists, folded once.
_PHRASES = tuple((field, tuple(fold(phrase).split() for phrase in phrases)) for field, phrases in RULES)


def field_for(column: str) -> str | None:
    """The field a column name most likely holds, "" for a column known to hold none, or None."""
    names = words(column)
    if not names:
        return None
    joined = "".join(names)
    for field, phrases in _PHRASES:
        for phrase in phrases:
            # Whole words side by side, or the whole name glued ("codepostal", "firstname").
            if _contains(names, phrase) or joined == "".join(phrase):
                return field
    return None


def guess_mapping(header: list[str], fields: tuple[str, ...] | None = None) -> dict[str, str]:
    """field -> column for the columns whose names say what they hold; each field to its first column."""
    mapping: dict[str, str] = {}
    for column in header:
        field = field_for(column)
        if not field or field in mapping or (fields is not None and field not in fields):
            continue
        mapping[field] = column
    return mapping
