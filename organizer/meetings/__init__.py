"""Meetings: timed agendas, roles, attendance, minutes and printable agendas and sign-in sheets."""
