"""A case file's fields as an officer names them: `children[2].date_of_birth` is "Child 2: date
of birth", `agencies[2].received` "Information received from West Yorkshire Police".

For people (`lscp log`'s table); JSON, CSV and Excel keep the field's own name, which scripts
and `lscp edit` use.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

# The outcomes of a RAG recommendation or an Executive decision, in words.
OUTCOME_WORDS = {
    "cspr": "a CSPR",
    "no-cspr": "no CSPR",
    "other-review": "another kind of review",
}

_TOP = {
    "schema": "Case file format version",
    "id": "Case id",
    "opened": "Case opened in lscp",
    "closed": "Case closed",
    "withdrawn": "Withdrawn",
    "withdrawn_reason": "Why it was withdrawn",
    "reopened": "Case reopened",
    "reopened_reason": "Why it was reopened",
    "notes": "Notes",
}
_TABLES: dict[str, dict[str, str]] = {
    "incident": {
        "type": "Type of incident",
        "occurred": "Date of the incident",
        "time": "Time of the incident",
        "aware": "Local authority became aware",
        "location": "Location",
        "in_area": "In the local authority's area",
        "abuse_or_neglect": "Abuse or neglect",
        "summary": "Case outline",
    },
    "notification": {
        "panel": "National Panel notified",
        "panel_reference": "Panel reference",
        "partners": "Safeguarding partners notified",
        "late_reason": "Why the Panel was notified late",
        "documents": "Documents sent with the notification",
        "action_taken": "Immediate safeguarding action taken",
        "other_authority_notified": "Panel notified by the authority where it happened",
        "other_authority": "Authority that notified the Panel",
        "other_authority_reference": "That authority's Panel reference",
    },
    "rapid_review": {
        "meeting": "Review Advisory Group meeting",
        "recommendation": "RAG recommendation",
        "decision": "Executive decision",
        "decision_date": "Date of the Executive decision",
        "decision_reasons": "The Executive's reasons",
        "submitted": "Rapid Review submitted to the National Panel",
        "national_review": "May need a national review",
        "panel_response": "The Panel answered the Rapid Review",
        "panel_response_note": "The Panel's answer",
        "learning": "Learning from the Rapid Review",
        "immediate_actions": "Immediate actions from the Rapid Review",
    },
    "cspr": {
        "commissioned": "CSPR commissioned",
        "author": "CSPR author",
        "family_informed": "Family informed of the review",
        "practitioner_events": "Practitioner events",
        "draft_shared_with_family": "Draft shared with the family",
        "publication_planned": "Publication planned for",
        "sent_to_panel": "Final report sent to the Panel and Secretary of State",
        "published": "CSPR published",
        "published_url": "Where the CSPR is published",
        "nspcc_submitted": "Submitted to the NSPCC repository",
        "not_published_reason": "Why the report is not published",
        "not_published_letter_reason": "Why not published, as the letter to the Panel says",
        "improvements_published": "Improvements information published",
        "improvements_url": "Where the improvements information is published",
    },
}
# Entries of a list of tables: `children[2].looked_after` -> "Child 2: looked after".
_ENTRIES: dict[str, tuple[str, dict[str, str]]] = {
    "children": ("Child {n}", {
        "initials": "initials",
        "date_of_birth": "date of birth",
        "sex": "sex",
        "ethnicity": "ethnicity",
        "disability": "disability",
        "looked_after": "looked after",
        "child_protection_plan": "child protection plan",
        "child_in_need_plan": "child in need plan",
        "known_to": "known to",
        "lives_in": "lives in",
    }),
    "actions": ("Action {n}", {
        "text": "what is to be done",
        "owner": "owner",
        "added": "added to the plan",
        "due": "due",
        "completed": "completed",
        "progress": "progress notes",
    }),
    "learning": ("Learning shared {n}", {"channel": "how", "date": "date", "note": "note"}),
    "event_notes": ("Note {n} on a step", {"date": "date", "event": "step", "note": "note"}),
}
# An agency's fields read best with its name: "Information received from West Yorkshire Police".
_AGENCY = {
    "name": "Agency {n}: name",
    "requested": "Information requested from {name}",
    "due": "Information due from {name}",
    "received": "Information received from {name}",
}
_PATH = re.compile(r"(?P<list>[a-z_]+)\[(?P<n>\d+)\](?:\.(?P<field>[a-z_]+))?")


# A progress note on an action (`record action-progress`): a list inside a list.
_PROGRESS = re.compile(r"actions\[(?P<n>\d+)\]\.progress\[(?P<m>\d+)\]")


def field_label(path: str, case: Mapping[str, Any] | None = None) -> str:
    """The officer's name for a field of a case file (`case`, if given, supplies an agency's
    name and whether a notification went to the Panel); the path itself if it is not known."""
    if match := _PROGRESS.fullmatch(path):
        return f"Action {match['n']}: progress note {match['m']}"
    if match := _PATH.fullmatch(path):
        return _entry_label(match["list"], int(match["n"]), match["field"], case)
    table, _, key = path.partition(".")
    if not key:
        return _TOP.get(path, path)
    if (table, key) == ("notification", "panel") and _care_leaver(case):
        return "Secretary of State and Ofsted notified"
    if (table, key) == ("notification", "panel_reference") and _care_leaver(case):
        return "Notification reference"
    return _TABLES.get(table, {}).get(key) or _step_field_label(path)


@cache
def _step_field_label(path: str) -> str:
    """A field no table above names, in the words of the step that writes it (a step added to
    the registry alone): its date is the step's label, an option's field the label and the
    option ("Further information: note"); otherwise the path itself."""
    from lscp_cli.model.steps import STEPS

    for step in STEPS:
        label = step.label[:1].upper() + step.label[1:]
        if step.date == path:
            return label
        for option, field in step.sets:
            if field == path:
                return f"{label}: {option.replace('-', ' ')}"
    return path


def _entry_label(name: str, number: int, field: str | None, case: Mapping[str, Any] | None
                 ) -> str:
    if name == "agencies":
        agency = _entry(case, name, number).get("name")
        if field is None:
            return f"Agency {number}" + (f" ({agency})" if agency else "")
        template = _AGENCY.get(field)
        if template is None:
            return f"Agency {number}: {field}"
        return template.format(n=number, name=agency or f"agency {number}")
    if name not in _ENTRIES:
        return f"{name}[{number}]" + (f".{field}" if field else "")
    entry, fields = _ENTRIES[name]
    head = entry.format(n=number)
    if field is None:
        return head
    return f"{head}: {fields.get(field, field.replace('_', ' '))}"


def _entry(case: Mapping[str, Any] | None, name: str, number: int) -> Mapping[str, Any]:
    entries = case.get(name) if case is not None else None
    if isinstance(entries, list) and 0 < number <= len(entries):
        entry = entries[number - 1]
        if isinstance(entry, Mapping):
            return entry
    return {}


def _care_leaver(case: Mapping[str, Any] | None) -> bool:
    incident = case.get("incident") if case is not None else None
    return isinstance(incident, Mapping) and incident.get("type") == "care-leaver-death"


# Where the incident happened (`incident.in_area`), in words.
AREA_WORDS: dict[Any, str] = {
    True: "yes",
    False: "no: outside England (a child living here)",
    "elsewhere-in-england": "no: elsewhere in England (that authority notifies the Panel)",
    "unknown": "not known",
}


def value_words(path: str, value: Any) -> Any:
    """A value as an officer reads it: an outcome in words (`cspr` is "a CSPR"), where the
    incident happened ("no: elsewhere in England ...")."""
    if path == "incident.in_area" and isinstance(value, bool | str) and value in AREA_WORDS:
        return AREA_WORDS[value]
    if path in ("rapid_review.recommendation", "rapid_review.decision") and isinstance(value,
                                                                                    str):
        return OUTCOME_WORDS.get(value, value)
    return value
