"""The steps an officer records with `lscp record ID EVENT [DATE]`, applied to a case file.

Each event is declared once, in `EVENTS`: its name, what it records, the options it takes (by
name from `OPTIONS`), whether its date may be in the future, and the function that applies it.
The command line builds its options, its help and its "does not use --x" refusals from these;
the refusals that need the case (an unknown agency, a missing action) are raised here.

Each event sets or appends fields in the tomlkit document (so comments survive) and returns
the changes for the audit log and the confirmation line. tomlkit is imported only when an event
is applied: the event list is read by every `lscp` start-up (for help), and tomlkit costs ~30 ms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from lscp_cli.base.audit import Change
from lscp_cli.base.tomledit import aot as _aot
from lscp_cli.base.tomledit import plain as _plain
from lscp_cli.base.tomledit import set_value as _set
from lscp_cli.base.tomledit import table as _table
from lscp_cli.errors import InvalidEvent
from lscp_cli.model.agencies import agency_index, tidy_name
from lscp_cli.model.case import OUTCOMES
from lscp_cli.model.event_options import OPTIONS, EventOptions


@dataclass(frozen=True)
class EventSpec:
    name: str
    summary: str  # what the step is, for `lscp record --help`
    apply: Callable[[Any, date, EventOptions], list[Change]]
    options: tuple[str, ...] = ()  # names in OPTIONS this event takes
    future_ok: bool = False  # a date in the future is expected (a plan), not a typo
    needs_date: bool = False  # DATE cannot default to today (it is a plan)

    @property
    def help(self) -> str:
        """The summary and the options it takes: `information requested (--agency, --due)`."""
        if not self.options:
            return self.summary
        return f"{self.summary} ({', '.join('--' + name for name in self.options)})"


def _setter(table: str, key: str) -> Callable[[Any, date, EventOptions], list[Change]]:
    def apply(document: Any, when: date, options: EventOptions) -> list[Change]:
        return _set(_table(document, table), key, when, f"{table}.{key}")

    return apply


def _panel_notified(document: Any, when: date, options: EventOptions) -> list[Change]:
    notification = _table(document, "notification")
    changes = _set(notification, "panel", when, "notification.panel")
    if options.reference:
        changes += _set(notification, "panel_reference", options.reference.strip(),
                        "notification.panel_reference")
    return changes


def _care_leaver_notified(document: Any, when: date, options: EventOptions) -> list[Change]:
    """A care leaver's death, notified to the Secretary of State and Ofsted through the same
    online system: the same fields as the Panel notification, under a name that fits."""
    incident = document.get("incident")
    if (incident.get("type") if hasattr(incident, "get") else None) != "care-leaver-death":
        raise InvalidEvent("care-leaver-notified is for a care leaver's death (incident.type "
                           "care-leaver-death); record a notification to the National Panel "
                           "with panel-notified")
    return _panel_notified(document, when, options)


def _find_agency(agencies: Any, name: str) -> tuple[int, Any] | None:
    """The `[[agencies]]` entry named `name`, case and spacing aside (agencies.py)."""
    index = agency_index(agencies, name)
    return None if index is None else (index, agencies[index])


def _require_agencies(options: EventOptions, event: str) -> tuple[str, ...]:
    names = tuple(tidy_name(n) for n in options.agencies if n.strip())
    if not names:
        raise InvalidEvent(f"{event} needs --agency NAME (repeat it for several agencies)")
    return names


def _agency_requested(document: Any, when: date, options: EventOptions) -> list[Change]:
    import tomlkit

    names = _require_agencies(options, "agency-requested")
    agencies = _aot(document, "agencies")
    changes: list[Change] = []
    for name in names:
        found = _find_agency(agencies, name)
        if found is None:
            entry = tomlkit.table()
            entry["name"] = name
            entry["requested"] = when
            if options.due:
                entry["due"] = options.due
            agencies.append(entry)
            number = len(agencies)
            changes.append(Change(f"agencies[{number}]", None,
                                  {"name": name, "requested": when, **(
                                      {"due": options.due} if options.due else {})}))
        else:
            index, entry = found
            changes += _set(entry, "requested", when, f"agencies[{index + 1}].requested")
            if options.due:
                changes += _set(entry, "due", options.due, f"agencies[{index + 1}].due")
    return changes


def _agency_returned(document: Any, when: date, options: EventOptions) -> list[Change]:
    names = _require_agencies(options, "agency-returned")
    # Looked up, not created: returning information nobody asked for is refused below.
    agencies = _aot(document, "agencies") if "agencies" in document else []
    changes: list[Change] = []
    for name in names:
        found = _find_agency(agencies, name)
        if found is None:
            known = ", ".join(str(a.get("name")) for a in agencies) or "none yet"
            raise InvalidEvent(
                f"no agency named {name!r} has been asked for information in this case "
                f"(known: {known}); record `agency-requested --agency \"{name}\"` first, or "
                "check the spelling"
            )
        index, entry = found
        changes += _set(entry, "received", when, f"agencies[{index + 1}].received")
    return changes


def _outcome(options: EventOptions, event: str) -> str:
    if options.outcome not in OUTCOMES:
        raise InvalidEvent(f"{event} needs --outcome, one of {', '.join(OUTCOMES)}")
    return options.outcome


def _recommendation(document: Any, when: date, options: EventOptions) -> list[Change]:
    outcome = _outcome(options, "recommendation")
    rapid = _table(document, "rapid_review")
    changes = _set(rapid, "recommendation", outcome, "rapid_review.recommendation")
    if "meeting" not in rapid:
        # The RAG recommends at its meeting; record the meeting date with it.
        changes += _set(rapid, "meeting", when, "rapid_review.meeting")
    return changes


def _decision(document: Any, when: date, options: EventOptions) -> list[Change]:
    outcome = _outcome(options, "decision")
    rapid = _table(document, "rapid_review")
    changes = _set(rapid, "decision", outcome, "rapid_review.decision")
    changes += _set(rapid, "decision_date", when, "rapid_review.decision_date")
    if options.national_review:
        changes += _set(rapid, "national_review", True, "rapid_review.national_review")
    recommendation = rapid.get("recommendation")
    if recommendation is not None and str(recommendation) != outcome:
        options.warnings.append(
            f"the Executive's decision ({outcome}) differs from the RAG recommendation "
            f"({recommendation}); make sure the reasons are minuted"
        )
    return changes


def _cspr_commissioned(document: Any, when: date, options: EventOptions) -> list[Change]:
    cspr = _table(document, "cspr")
    changes = _set(cspr, "commissioned", when, "cspr.commissioned")
    if options.author:
        changes += _set(cspr, "author", options.author.strip(), "cspr.author")
    return changes


def _practitioner_event(document: Any, when: date, options: EventOptions) -> list[Change]:
    cspr = _table(document, "cspr")
    events = cspr.get("practitioner_events")
    if events is None:
        cspr["practitioner_events"] = [when]
        return [Change("cspr.practitioner_events", None, [when])]
    old = [e for e in events]
    if when in old:
        return []
    events.append(when)
    return [Change("cspr.practitioner_events", old, [*old, when])]


def _publisher(key: str, url_key: str) -> Callable[[Any, date, EventOptions], list[Change]]:
    """`published` and `improvements-published`: the date, and where (--url)."""
    def apply(document: Any, when: date, options: EventOptions) -> list[Change]:
        url = (options.url or "").strip()
        if url and not url.startswith(("https://", "http://")):
            raise InvalidEvent(f"--url must start with https:// (got {url!r})")
        cspr = _table(document, "cspr")
        changes = _set(cspr, key, when, f"cspr.{key}")
        return changes + (_set(cspr, url_key, url, f"cspr.{url_key}") if url else [])

    return apply


def _panel_response(document: Any, when: date, options: EventOptions) -> list[Change]:
    rapid = _table(document, "rapid_review")
    changes = _set(rapid, "panel_response", when, "rapid_review.panel_response")
    if note := (options.note or "").strip():
        changes += _set(rapid, "panel_response_note", note, "rapid_review.panel_response_note")
    return changes


def _own_reason(options: EventOptions) -> str:
    """The reason an event records: --reason, but with --correct, --new-reason.

    With --correct, --reason says why the record is corrected (audit.log); it never becomes
    the recorded reason, so a correction can give both.
    """
    return ((options.new_reason if options.correct else options.reason) or "").strip()


def _not_published(document: Any, when: date, options: EventOptions) -> list[Change]:
    reason = _own_reason(options)
    if not reason:
        if options.correct:
            raise InvalidEvent("not-published --correct changes the recorded reason: give its "
                               "new text with --new-reason TEXT (--reason says why it is "
                               "corrected)")
        raise InvalidEvent("not-published needs --reason: why publishing would put the child "
                           "or family at risk (kept in the case file, not published)")
    cspr = _table(document, "cspr")
    return _set(cspr, "not_published_reason", reason, "cspr.not_published_reason")


def _action_added(document: Any, when: date, options: EventOptions) -> list[Change]:
    import tomlkit

    if not options.text or not options.text.strip():
        raise InvalidEvent("action-added needs --text describing the action (and --owner, "
                           "--due)")
    actions = _aot(document, "actions")
    entry = tomlkit.table()
    entry["text"] = options.text.strip()
    entry["added"] = when
    value: dict[str, Any] = {"text": options.text.strip(), "added": when}
    if options.owner:
        entry["owner"] = value["owner"] = options.owner.strip()
    if options.due:
        entry["due"] = value["due"] = options.due
    else:
        options.warnings.append("the action has no due date, so it has no deadline; add one "
                                "with `lscp edit`")
    actions.append(entry)
    return [Change(f"actions[{len(actions)}]", None, value)]


def _numbered_action(document: Any, options: EventOptions, event: str) -> Any:
    """The `[[actions]]` entry `--action N` names, or a message saying which numbers exist."""
    actions = document.get("actions") or []
    count = len(actions)
    if options.action is None:
        raise InvalidEvent(f"{event} needs --action N, the action's number in "
                           "`lscp show` (1 to {})".format(count or "the number of actions"))
    if not 1 <= options.action <= count:
        raise InvalidEvent(f"there is no action {options.action} in this case (it has {count}); "
                           "`lscp show` lists them with their numbers")
    return actions[options.action - 1]


def _action_completed(document: Any, when: date, options: EventOptions) -> list[Change]:
    entry = _numbered_action(document, options, "action-completed")
    return _set(entry, "completed", when, f"actions[{options.action}].completed")


def _action_progress(document: Any, when: date, options: EventOptions) -> list[Change]:
    """A dated progress note on an action: `progress = [{ date = ..., note = "..." }]`."""
    import tomlkit

    note = " ".join((options.note or "").split())
    if not note:
        raise InvalidEvent("action-progress needs --note: what has happened on the action, "
                           "e.g. --note \"training dates set for March\"")
    entry = _numbered_action(document, options, "action-progress")
    path = f"actions[{options.action}].progress"
    if "progress" not in entry:
        entry["progress"] = tomlkit.array()
    progress = entry["progress"]
    if not isinstance(progress, list):
        raise InvalidEvent(f"'{path}' in the case file is not a list; fix it with `lscp edit`")
    if {"date": when, "note": note} in [_plain(item) for item in progress]:
        return []
    item = tomlkit.inline_table()
    item.update({"date": when, "note": note})
    progress.append(item)
    if hasattr(progress, "multiline"):
        progress.multiline(True)  # one note a line, as an officer would lay them out
    return [Change(f"{path}[{len(progress)}]", None, {"date": when, "note": note})]


def _learning_shared(document: Any, when: date, options: EventOptions) -> list[Change]:
    import tomlkit

    channel = (options.channel or "").strip()
    if not channel:
        raise InvalidEvent("learning-shared needs --channel: briefing, training, website, or "
                           "another word for how the learning was shared")
    learning = _aot(document, "learning")
    entry = tomlkit.table()
    entry["channel"] = channel
    entry["date"] = when
    value: dict[str, Any] = {"channel": channel, "date": when}
    if options.note:
        entry["note"] = value["note"] = options.note.strip()
    learning.append(entry)
    return [Change(f"learning[{len(learning)}]", None, value)]


def _closed(document: Any, when: date, options: EventOptions) -> list[Change]:
    old = document.get("closed")
    old_plain = old.unwrap() if hasattr(old, "unwrap") else old
    if old_plain == when:
        return []
    document["closed"] = when
    return [Change("closed", old_plain, when)]


def _withdrawn(document: Any, when: date, options: EventOptions) -> list[Change]:
    """The incident did not meet the criteria after all: nothing stays due (rules.py).

    A correction without --new-reason changes the date and keeps the recorded reason.
    """
    reason = " ".join(_own_reason(options).split())
    if options.correct and not reason:
        return _set(document, "withdrawn", when, "withdrawn")
    if not reason:
        raise InvalidEvent("withdrawn needs --reason: why the incident does not meet the "
                           "criteria, e.g. --reason \"injury found to be accidental\"")
    changes = _set(document, "withdrawn", when, "withdrawn")
    return changes + _set(document, "withdrawn_reason", reason, "withdrawn_reason")


def _reopened(document: Any, when: date, options: EventOptions) -> list[Change]:
    reason = " ".join((options.reason or "").split())
    if "closed" not in document:
        raise InvalidEvent("the case is not closed, so there is nothing to reopen")
    if not reason:
        raise InvalidEvent("reopened needs --reason: why the case is reopened (kept in the "
                           "case file and audit.log)")
    closed = _plain(document["closed"])
    if when < closed:
        raise InvalidEvent(f"reopened on {when.isoformat()} is before the case was closed "
                           f"({closed.isoformat()}); give the date it was reopened")
    del document["closed"]
    changes = [Change("closed", closed, None)]
    changes += _set(document, "reopened", when, "reopened")
    return changes + _set(document, "reopened_reason", reason, "reopened_reason")


EVENTS: dict[str, EventSpec] = {
    spec.name: spec
    for spec in [
        EventSpec("panel-notified", "National Panel notified", _panel_notified,
                  options=("reference",)),
        EventSpec("care-leaver-notified", "care leaver's death: Secretary of State and Ofsted "
                  "notified (online system)", _care_leaver_notified, options=("reference",)),
        EventSpec("partners-notified", "safeguarding partners / Executive notified",
                  _setter("notification", "partners")),
        EventSpec("agency-requested", "information requested", _agency_requested,
                  options=("agency", "due")),
        EventSpec("agency-returned", "agency information received", _agency_returned,
                  options=("agency",)),
        EventSpec("rag-meeting", "Review Advisory Group meeting (may be planned ahead)",
                  _setter("rapid_review", "meeting"), future_ok=True),
        EventSpec("recommendation", "RAG recommendation", _recommendation,
                  options=("outcome",)),
        EventSpec("decision", "LSCP Executive decision", _decision,
                  options=("outcome", "national-review")),
        EventSpec("rapid-review-submitted", "Rapid Review sent to the National Panel",
                  _setter("rapid_review", "submitted")),
        EventSpec("panel-response", "the Panel's answer to the Rapid Review", _panel_response,
                  options=("note",)),
        EventSpec("cspr-commissioned", "CSPR commissioned", _cspr_commissioned,
                  options=("author",)),
        EventSpec("family-informed", "family told about the review",
                  _setter("cspr", "family_informed")),
        EventSpec("practitioner-event", "a practitioner event (may be planned ahead)",
                  _practitioner_event, future_ok=True),
        EventSpec("draft-shared-with-family", "draft report shared with the family",
                  _setter("cspr", "draft_shared_with_family")),
        EventSpec("publication-planned", "planned publication date (DATE is the plan)",
                  _setter("cspr", "publication_planned"), future_ok=True, needs_date=True),
        EventSpec("report-sent-to-panel", "final report sent to the Panel and Secretary of "
                  "State", _setter("cspr", "sent_to_panel")),
        EventSpec("published", "CSPR published", _publisher("published", "published_url"),
                  options=("url",)),
        EventSpec("not-published", "report withheld as inappropriate to publish (the "
                  "improvements information is still due)", _not_published,
                  options=("reason", "new-reason")),
        EventSpec("improvements-published", "withheld report: the information about the "
                  "improvements published (s16F)", _publisher("improvements_published",
                                                               "improvements_url"),
                  options=("url",)),
        EventSpec("nspcc-submitted", "sent to the NSPCC repository",
                  _setter("cspr", "nspcc_submitted")),
        EventSpec("action-added", "action plan item", _action_added,
                  options=("text", "owner", "due")),
        EventSpec("action-completed", "action done", _action_completed, options=("action",)),
        EventSpec("action-progress", "progress on an action", _action_progress,
                  options=("action", "note")),
        EventSpec("learning-shared", "learning disseminated", _learning_shared,
                  options=("channel", "note")),
        EventSpec("withdrawn", "the incident does not meet the criteria after all: nothing "
                  "stays due", _withdrawn, options=("reason", "new-reason")),
        EventSpec("closed", "case closed", _closed, options=("force",)),
        EventSpec("reopened", "a closed case reopened", _reopened, options=("reason",)),
    ]
}


def event_spec(event: str) -> EventSpec:
    spec = EVENTS.get(event)
    if spec is None:
        raise InvalidEvent(f"unknown event {event!r}; `lscp record --help` lists them")
    return spec


def planned_events() -> list[str]:
    """The events whose DATE may be in the future: planned meetings and publication."""
    return [name for name, spec in EVENTS.items() if spec.future_ok]


def check_options(event: str, options: EventOptions) -> None:
    """Refuse options the event does not take (`closed --url x` would be silently lost)."""
    spec = event_spec(event)
    given = [o.name for o in OPTIONS.values() if getattr(options, o.field) not in (None, (), False)]
    # Any step may be corrected (the reason for a correction is --reason) and take a --note.
    allowed = (*spec.options, "correct", "note", *(("reason",) if options.correct else ()))
    if options.new_reason is not None and not options.correct and "new-reason" in allowed:
        raise InvalidEvent(f"--new-reason corrects a recorded reason: use it with --correct "
                           f"--reason \"why it is corrected\"; to record {event}'s reason, "
                           "give it as --reason")
    if unused := [name for name in given if name not in allowed]:
        takes = (f"; it takes {', '.join('--' + o for o in spec.options)}"
                 if spec.options else "; it takes no options")
        raise InvalidEvent(f"{event} does not use {', '.join('--' + o for o in unused)}{takes}")


def apply_event(document: Any, event: str, when: date, options: EventOptions) -> list[Change]:
    spec = event_spec(event)
    check_options(event, options)
    return spec.apply(document, when, options)
