"""Attach every feature's `flask` sub-commands (organizer/<feature>/cli.py, COMMANDS)."""

from flask import Flask

from organizer.features import feature_modules


def register_commands(app: Flask) -> None:
    """Add each feature's commands to `flask`."""
    for cli in feature_modules("cli"):
        for command in cli.COMMANDS:
            app.cli.add_command(command)
