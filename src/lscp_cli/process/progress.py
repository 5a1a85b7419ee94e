"""Where a case is in the process (`stage_of`) and what has happened so far (`timeline`).

Both read a case as tomllib parsed it (a plain dict in which anything may be missing). Which
steps a case needs at all comes from the rules (`rules.not_applicable`): a care leaver's death
and a looked-after child's death without known or suspected abuse or neglect are notified
only, with no Rapid Review.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from lscp_cli.model.eventnotes import timeline_notes
from lscp_cli.process.rules import not_applicable
from lscp_cli.process.ruleset import default_rules


def _is_date(value: Any) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def notification_only(data: Mapping[str, Any]) -> str | None:
    """Why the case needs no Rapid Review, or None when it does."""
    rapid = [rule for rule in default_rules() if rule.id == "rapid-review"]
    return next((why for _, why in not_applicable(data, rapid)), None)


def stage_of(data: Mapping[str, Any]) -> str:
    """Where the case is in the process, in words an officer uses."""
    if "closed" in data:
        return "closed"
    if "withdrawn" in data:
        return "withdrawn (does not meet the criteria)"
    notification = data.get("notification", {})
    rapid = data.get("rapid_review", {})
    cspr = data.get("cspr", {})
    actions = data.get("actions", [])
    if "panel" not in notification:
        care_leaver = data.get("incident", {}).get("type") == "care-leaver-death"
        return "awaiting notification" if care_leaver else "awaiting Panel notification"
    if notification_only(data):
        return "notified (no Rapid Review)"
    if "submitted" not in rapid:
        if "decision" in rapid:
            return "Rapid Review: decision made, to submit"
        if "recommendation" in rapid or "meeting" in rapid:
            return "Rapid Review: awaiting Executive decision"
        return "Rapid Review: gathering information"
    if rapid.get("decision") == "cspr":
        if "commissioned" not in cspr:
            return "CSPR: to commission"
        if "published" not in cspr and "improvements_published" not in cspr:
            if cspr.get("not_published_reason"):
                return "CSPR: withheld, improvements information to publish"
            return "CSPR: in progress"
    if any("completed" not in a for a in actions):
        return "action plan"
    return "learning and closure"


def timeline(data: Mapping[str, Any], today: date | None = None) -> list[tuple[date, str]]:
    """What happened, in date order, as one line each.

    With `today`, a planned step dated after it (a RAG meeting or practitioner event booked
    ahead) is worded as planned ("Review Advisory Group meeting (planned)"), never as done.
    """
    events: list[tuple[date, str]] = []

    def add(value: Any, text: str, planned: str | None = None) -> None:
        if _is_date(value):
            ahead = planned is not None and today is not None and value > today
            events.append((value, planned if ahead and planned else text))

    incident = data.get("incident", {})
    add(incident.get("occurred"), "Incident occurred")
    add(incident.get("aware"), "Local authority became aware")
    add(data.get("opened"), "Case opened in lscp")
    notification = data.get("notification", {})
    reference = notification.get("panel_reference")
    add(notification.get("panel"), ("Secretary of State and Ofsted notified (online system)"
        if incident.get("type") == "care-leaver-death" else "National Panel notified")
        + (f" (reference {reference})" if reference else ""))
    add(notification.get("partners"), "Safeguarding partners notified")
    for agency in data.get("agencies", []):
        name = agency.get("name", "agency")
        add(agency.get("requested"), f"Information requested from {name}")
        add(agency.get("received"), f"Information received from {name}")
    rapid = data.get("rapid_review", {})
    add(rapid.get("meeting"), "Review Advisory Group met",
        "Review Advisory Group meeting (planned)")
    if "recommendation" in rapid:
        add(rapid.get("meeting") or rapid.get("decision_date"),
            f"RAG recommendation: {rapid['recommendation']}")
    if "decision" in rapid:
        add(rapid.get("decision_date"), f"Executive decision: {rapid['decision']}"
            + ("; the partners think it may need a national review"
               if rapid.get("national_review") is True else ""))
    add(rapid.get("submitted"), "Rapid Review submitted to the National Panel")
    note = rapid.get("panel_response_note")
    add(rapid.get("panel_response"), "The Panel answered the Rapid Review"
        + (f": {note}" if isinstance(note, str) and note.strip() else ""))
    cspr = data.get("cspr", {})
    add(cspr.get("commissioned"), "CSPR commissioned"
        + (f" (author {cspr['author']})" if cspr.get("author") else ""))
    add(cspr.get("family_informed"), "Family informed of the review")
    for event in cspr.get("practitioner_events", []):
        add(event, "Practitioner event", "Practitioner event (planned)")
    add(cspr.get("draft_shared_with_family"), "Draft shared with the family")
    add(cspr.get("publication_planned"), "Publication planned for this date")
    add(cspr.get("sent_to_panel"), "Final report sent to the Panel and Secretary of State")
    add(cspr.get("published"), "CSPR published")
    add(cspr.get("improvements_published"), "Report withheld: information about the "
        "improvements published")
    add(cspr.get("nspcc_submitted"), "Submitted to the NSPCC repository")
    for number, action in enumerate(data.get("actions", []), start=1):
        add(action.get("completed"), f"Action {number} completed")
    for item in data.get("learning", []):
        add(item.get("date"), f"Learning shared ({item.get('channel', 'other')})")
    add(data.get("withdrawn"), "Withdrawn: the incident does not meet the criteria")
    add(data.get("closed"), "Case closed")
    add(data.get("reopened"), "Case reopened")
    events.extend(timeline_notes(data))  # after the steps of their day (the sort is stable)
    events.sort(key=lambda e: e[0])
    return events


# Steps that may be dated ahead (`record` takes a future date for them): the meetings a
# partnership plans, and the publication date.
PLANNED: tuple[tuple[str, str, str], ...] = (
    ("rapid_review", "meeting", "RAG meeting"),
    ("cspr", "practitioner_events", "practitioner event"),
    ("cspr", "publication_planned", "planned publication"),
)


def planned_after(data: Mapping[str, Any], day: date) -> list[tuple[date, str]]:
    """The planned steps dated after `day` (upcoming), soonest first."""
    found: list[tuple[date, str]] = []
    for table, key, label in PLANNED:
        section = data.get(table)
        value = section.get(key) if isinstance(section, dict) else None
        for when in value if isinstance(value, list) else [value]:
            if isinstance(when, date) and _is_date(when) and when > day:
                found.append((when, label))
    return sorted(found)


def undated_actions(data: Mapping[str, Any]) -> list[int]:
    """The numbers of the open actions with no due date: no deadline can say they are late."""
    actions = data.get("actions")
    if not isinstance(actions, list):
        return []
    return [number for number, action in enumerate(actions, start=1)
            if isinstance(action, dict) and "completed" not in action
            and not _is_date(action.get("due"))]
