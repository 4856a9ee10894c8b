"""The demo organization: a tenants' union in Mont-Bonvillers, with one person per role."""

from dataclasses import dataclass, field

from sqlalchemy import select

from organizer.auth import services as auth_services
from organizer.auth.models import Role, User
from organizer.core.models import Organization
from organizer.extensions import db
from organizer.features import feature_modules

# Demo-only logins, printed by `make run`; a real deployment never loads the demo.
DEMO_USERS = [
    ("admin@demo.organizer.test", "Camille Laurent", Role.ADMIN, "demo-admin-2026"),
    ("organisatrice@demo.organizer.test", "Nadia Benali", Role.ORGANIZER, "demo-organizer-2026"),
    ("responsable@demo.organizer.test", "Julien Moreau", Role.LEADER, "demo-leader-2026"),
    ("benevole@demo.organizer.test", "Léa Dubois", Role.CANVASSER, "demo-canvasser-2026"),
]


@dataclass
class DemoReport:
    """What a demo load created, and the logins to print."""

    created: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)

    def count(self, kind: str) -> None:
        self.created[kind] = self.created.get(kind, 0) + 1


def load_demo_data() -> DemoReport:
    """Create what is missing of the demo organization; existing rows are left as they are."""
    report = DemoReport()
    if db.session.scalar(select(Organization).limit(1)) is None:
        db.session.add(
            Organization(
                name="Union des locataires de Mont-Bonvillers",
                city="Mont-Bonvillers",
                contact_email="contact@demo.organizer.test",
            )
        )
        report.count("organization")
    for email, name, role, password in DEMO_USERS:
        if db.session.scalar(select(User).where(User.email == email)) is None:
            auth_services.create_user(email, name, role.value, password=password)
            report.count("users")
        report.logins.append((email, password, role.value))
    db.session.flush()
    # Then each feature's organizer/<feature>/demo.py, in FEATURES order; each must be idempotent.
    for demo in feature_modules("demo"):
        demo.load(report)
        db.session.flush()
    return report
