"""Organizer: a CRM for grassroots community organizing.

The register_* functions import what they wire when an app is built, not when `organizer` is imported: the
features import `organizer.extensions` and friends from this package, and tools that only need the package
(Alembic's env, `organizer.config`) must not load every feature. Those are the only function-level imports
kept on purpose (see ARCHITECTURE.md, "Layers").
"""

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from organizer import config as config_module
from organizer.extensions import babel, csrf, db, login_manager, migrate


def create_app(config: dict | None = None) -> Flask:
    """Build the application: defaults, then ORGANIZER_* variables, then `config` overrides."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    app.config.from_object(config_module.Defaults)
    app.config.from_prefixed_env("ORGANIZER")
    app.config.update(config or {})
    register_config_fallbacks(app)
    register_extensions(app)
    register_blueprints(app)
    register_security(app)
    register_errors(app)
    register_cli(app)
    register_template_helpers(app)
    return app


def register_config_fallbacks(app: Flask) -> None:
    """Fill in the database and the secret key from the instance folder when none is configured."""
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = config_module.default_database_uri(app.instance_path)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config_module.instance_secret_key(app.instance_path)
    if app.config["HTTPS"]:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
        app.config["PREFERRED_URL_SCHEME"] = "https"
    if app.config["PROXY_FIX_HOPS"]:
        hops = int(app.config["PROXY_FIX_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql://"):
        # psycopg 3 is the driver we ship; plain postgresql:// would look for psycopg2.
        app.config["SQLALCHEMY_DATABASE_URI"] = app.config["SQLALCHEMY_DATABASE_URI"].replace(
            "postgresql://", "postgresql+psycopg://", 1
        )


def register_extensions(app: Flask) -> None:
    """Bind the extension instances and tune SQLite."""
    from organizer.db import configure_sqlite
    from organizer.i18n import select_locale, select_timezone

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    login_manager.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)
    # Import models so metadata is complete for migrations and create_all.
    from organizer import models  # noqa: F401


def register_blueprints(app: Flask) -> None:
    """Mount each feature's blueprint and collect what features contribute to each other (organizer.features)."""
    from organizer.features import collect_contributions, feature_modules
    from organizer.kernel.contributions import REGISTRY_KEY

    registry = app.extensions[REGISTRY_KEY] = collect_contributions()
    for start in registry.startup:
        start(app)
    for views in feature_modules("views"):
        app.register_blueprint(views.bp, url_prefix=getattr(views, "URL_PREFIX", None))


def register_security(app: Flask) -> None:
    """Default-deny access checks, login loading and security headers."""
    from organizer.auth import permissions
    from organizer.security import SecureSessionInterface, add_security_headers

    app.session_interface = SecureSessionInterface()
    app.before_request(permissions.enforce_access)
    app.after_request(add_security_headers)
    permissions.configure_login_manager(login_manager)


def register_errors(app: Flask) -> None:
    """Friendly error pages; never a stack trace."""
    from organizer.errors import register_error_handlers

    register_error_handlers(app)


def register_cli(app: Flask) -> None:
    """Attach the `flask` sub-commands."""
    from organizer.cli import register_commands

    register_commands(app)


def register_template_helpers(app: Flask) -> None:
    """Globals the layout needs (navigation, languages)."""
    from organizer.templating import register

    register(app)
