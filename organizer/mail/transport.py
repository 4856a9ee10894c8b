"""Hand a rendered message to the SMTP server, or write it to the outbox folder when none is configured."""

import smtplib
import ssl
from pathlib import Path

from flask import current_app


def smtp_configured() -> bool:
    """True when ORGANIZER_MAIL_SERVER names a server."""
    return bool(current_app.config.get("MAIL_SERVER"))


def outbox_folder() -> Path:
    """Where messages are written when no server is configured (instance/mail-outbox)."""
    return Path(current_app.instance_path) / "mail-outbox"


def deliver(message_id: int, sender: str, recipient: str, raw: str) -> None:
    """Send one message; raises (OSError, smtplib.SMTPException) when the server refuses or is unreachable."""
    if not smtp_configured():
        folder = outbox_folder()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{message_id:08d}.eml").write_text(raw, encoding="utf-8")
        return
    config = current_app.config
    host, port = config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25)
    timeout = float(config.get("MAIL_TIMEOUT_SECONDS") or 20)
    if config.get("MAIL_USE_SSL"):
        server = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(host, port, timeout=timeout)
    with server:
        if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
            server.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            server.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        server.sendmail(sender, [recipient], raw.encode("utf-8"))
