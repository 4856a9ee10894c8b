"""Turnout: reminder call lists for actions and meetings, turnout against the goal, e-mail to residents."""
