"""The built-in agenda templates, from the organizing tradition (house meetings, Midwest Academy planning,
run-of-show, debriefs). Titles are English msgids, stored in the deployment's default language when seeded."""

from flask_babel import lazy_gettext as _l

# key -> (name, purpose, planned minutes, [(title, minutes, kind, lead, notes, commitments_review)])
BUILTIN_TEMPLATES = {
    "house_meeting": (
        _l("House meeting"),
        _l("Neighbours meet at someone's home, share what they care about and decide whether to act together."),
        90,
        [
            (_l("Sign-in"), 10, "information", _l("Host"), _l("Name, phone, e-mail; consent on the sheet."), False),
            (_l("Host welcome"), 5, "information", _l("Host"), _l("Why I opened my home tonight."), False),
            (_l("Why each of us came"), 20, "discussion", "", _l("Round: one story each, no debate."), False),
            (_l("The vision"), 10, "information", "", _l("What the organization is and has won."), False),
            (_l("Discussion"), 25, "discussion", "", _l("Which problems came back? Which could we act on?"), False),
            (_l("The ask"), 15, "decision", "", _l("Who will host the next one, come to the action?"), False),
            (_l("Thanks"), 5, "information", _l("Host"), "", False),
        ],
    ),
    "campaign_planning": (
        _l("Campaign planning meeting"),
        _l("Review commitments, check the strategy chart and plan the next steps of the campaign."),
        90,
        [
            (_l("Welcome and check-in"), 10, "information", "", "", False),
            (_l("Commitments review"), 15, "discussion", "", _l("What did we promise last time? Done?"), True),
            (_l("Goals and targets"), 15, "discussion", "", _l("Long, intermediate and short-term goals."), False),
            (_l("Power analysis"), 15, "discussion", "", _l("Who decides, who influences them?"), False),
            (_l("Tactics and next action"), 20, "decision", "", "", False),
            (_l("Roles and commitments"), 10, "decision", "", _l("Who does what by when."), False),
            (_l("Evaluation of the meeting"), 5, "discussion", "", "", False),
        ],
    ),
    "run_of_show": (
        _l("Action run-of-show"),
        _l("Minute by minute: who speaks, who handles what, when the target answers."),
        60,
        [
            (_l("Arrival and sign-in"), 10, "information", _l("Sign-in team"), "", False),
            (_l("Opening and purpose"), 3, "information", _l("Chair"), "", False),
            (_l("Testimony 1"), 3, "information", "", "", False),
            (_l("Testimony 2"), 3, "information", "", "", False),
            (_l("Our demands"), 5, "information", _l("Chair"), _l("Read each demand aloud."), False),
            (
                _l("The target answers each demand"),
                15,
                "decision",
                _l("Target"),
                _l("Yes or no, demand by demand."),
                False,
            ),
            (_l("Response and next steps"), 5, "information", _l("Chair"), "", False),
            (_l("Closing chant and thanks"), 3, "information", "", "", False),
            (_l("Quick debrief with leaders"), 13, "discussion", "", "", False),
        ],
    ),
    "debrief": (
        _l("Action debrief"),
        _l("Right after the action: what went well, what did not, and what it changed."),
        45,
        [
            (_l("Highlights"), 8, "discussion", "", "", False),
            (_l("Lowlights"), 8, "discussion", "", "", False),
            (_l("Feelings"), 5, "discussion", "", _l("One word each."), False),
            (_l("Logistics"), 5, "discussion", "", "", False),
            (
                _l("Power, recognition, relationship"),
                10,
                "discussion",
                "",
                _l("Did we gain power? Were we recognised? Which relationships grew?"),
                False,
            ),
            (_l("Next steps"), 9, "decision", "", "", False),
        ],
    ),
}
