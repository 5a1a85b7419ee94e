"""The steps an officer records with `lscp record ID EVENT [DATE]`, applied to a case file.

Each event is a step of the registry (steps.py): its name, what it records, the options it
takes (by name from `OPTIONS`), whether its date may be in the future. A step that sets its date
and its options' values is applied from that declaration alone (`_plain_step`); one that does
more names its function in `APPLY`. `EVENTS` pairs each step with its function. The command
line builds its options, its help and its "does not use --x" refusals from these; the refusals
that need the case (an unknown agency, a missing action) are raised here.

Each event sets or appends fields in the tomlkit document (so comments survive) and returns
the changes for the audit log and the confirmation line. tomlkit is imported only when an event
is applied: the event list is read by every `lscp` start-up (for help), and tomlkit costs ~30 ms.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from lscp_cli.base.audit import Change
from lscp_cli.base.records import dataclass
from lscp_cli.base.tomledit import aot as _aot
from lscp_cli.base.tomledit import plain as _plain
from lscp_cli.base.tomledit import set_value as _set
from lscp_cli.base.tomledit import table as _table
from lscp_cli.errors import InvalidEvent, said
from lscp_cli.model.agencies import agency_index, tidy_name
from lscp_cli.model.event_options import OPTIONS, EventOptions, option_named
from lscp_cli.model.steps import OUTCOMES, STEPS, Step

Applier = Callable[[Any, date, EventOptions], list[Change]]


@dataclass(frozen=True)
class EventSpec:
    """A step (steps.py) and the function that applies it to a case document."""

    step: Step
    apply: Applier

    @property
    def name(self) -> str:
        return self.step.name

    @property
    def summary(self) -> str:
        return self.step.summary

    @property
    def options(self) -> tuple[str, ...]:
        """Names in OPTIONS this event takes."""
        return self.step.options_taken

    @property
    def future_ok(self) -> bool:
        """A date in the future is expected (a plan), not a typo."""
        return self.step.ahead

    @property
    def needs_date(self) -> bool:
        """DATE cannot default to today (it is a plan)."""
        return self.step.is_plan

    @property
    def help(self) -> str:
        """The summary and the options it takes: `information requested (--agency, --due)`."""
        return self.step.help


def _place(document: Any, path: str) -> tuple[Any, str]:
    """The table holding `path` ("table.key", or a top-level "key"), and the key."""
    table, _, key = path.rpartition(".")
    return (_table(document, table) if table else document), key


def _option_value(options: EventOptions, option: str) -> Any:
    """An option's value as a step records it: text stripped; None when not given."""
    value = getattr(options, OPTIONS[option].field)
    if isinstance(value, str):
        value = value.strip()
    return value if value not in (None, "", False, ()) else None


def _only_for(step: Step, document: Any) -> None:
    for path, wanted in step.only_for:
        table, _, key = path.rpartition(".")
        scope = document.get(table) if table else document
        if (scope.get(key) if hasattr(scope, "get") else None) != wanted:
            raise InvalidEvent(step.only_for_why)


def _add_date(document: Any, path: str, when: date) -> list[Change]:
    """A step that happens more than once (a practitioner event): one date more."""
    place, key = _place(document, path)
    dates = place.get(key)
    if dates is None:
        place[key] = [when]
        return [Change(path, None, [when])]
    old = [d for d in dates]
    if when in old:
        return []
    dates.append(when)
    return [Change(path, old, [*old, when])]


def _plain_step(step: Step) -> Applier:
    """A step that sets its date and what its options give (most steps): no code needed."""
    def apply(document: Any, when: date, options: EventOptions) -> list[Change]:
        _only_for(step, document)
        changes: list[Change] = []
        if step.date is not None:
            if step.repeats:
                changes += _add_date(document, step.date, when)
            else:
                changes += _set(*_place(document, step.date), when, step.date)
        for option, path in step.sets:
            value = _option_value(options, option)
            if value is not None:
                changes += _set(*_place(document, path), value, path)
        return changes

    return apply


def _find_agency(agencies: Any, name: str) -> tuple[int, Any] | None:
    """The `[[agencies]]` entry named `name`, case and spacing aside (agencies.py)."""
    index = agency_index(agencies, name)
    return None if index is None else (index, agencies[index])


def _require_agencies(options: EventOptions, event: str) -> tuple[str, ...]:
    names = tuple(tidy_name(n) for n in options.agencies if n.strip())
    if not names:
        raise InvalidEvent(f"{event} needs {option_named('agency', 'NAME')} (several agencies "
                           "may be given)")
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
                f"(known: {known}); record "
                + said(f"`agency-requested --agency \"{name}\"`", "agency-requested for it")
                + " first, or "
                "check the spelling"
            )
        index, entry = found
        changes += _set(entry, "received", when, f"agencies[{index + 1}].received")
    return changes


def _outcome(options: EventOptions, event: str) -> str:
    if options.outcome not in OUTCOMES:
        raise InvalidEvent(f"{event} needs {option_named('outcome')}, one of {', '.join(OUTCOMES)}")
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
    reasons = " ".join((options.text or "").split())
    if reasons:
        changes += _set(rapid, "decision_reasons", reasons, "rapid_review.decision_reasons")
    recommendation = rapid.get("recommendation")
    if recommendation is not None and str(recommendation) != outcome:
        options.warnings.append(
            f"the Executive's decision ({outcome}) differs from the RAG recommendation "
            f"({recommendation}); make sure the reasons are minuted"
        )
    return changes


def _publisher(key: str, url_key: str) -> Applier:
    """`published` and `improvements-published`: the date, and where (--url)."""
    def apply(document: Any, when: date, options: EventOptions) -> list[Change]:
        url = (options.url or "").strip()
        if url and not url.startswith(("https://", "http://")):
            raise InvalidEvent(f"{option_named('url')} must start with https:// (got {url!r})")
        cspr = _table(document, "cspr")
        changes = _set(cspr, key, when, f"cspr.{key}")
        return changes + (_set(cspr, url_key, url, f"cspr.{url_key}") if url else [])

    return apply


def _own_reason(options: EventOptions) -> str:
    """The reason an event records: --reason, but with --correct, --new-reason.

    With --correct, --reason says why the record is corrected (audit.log); it never becomes
    the recorded reason, so a correction can give both.
    """
    return ((options.new_reason if options.correct else options.reason) or "").strip()


def _not_published(document: Any, when: date, options: EventOptions) -> list[Change]:
    reason = _own_reason(options)
    letter = " ".join((options.letter_reason or "").split())
    recorded = _table(document, "cspr").get("not_published_reason") if "cspr" in document else None
    if not reason and letter and recorded:
        # The reason the letters quote, added (or, with --correct, changed) on its own.
        return _set(_table(document, "cspr"), "not_published_letter_reason", letter,
                    "cspr.not_published_letter_reason")
    if not reason:
        if options.correct:
            raise InvalidEvent(f"not-published {option_named('correct')} changes the recorded "
                               f"reason: give its new text with {option_named('new-reason')} "
                               f"({option_named('reason')} says why it is corrected)")
        raise InvalidEvent(f"not-published needs {option_named('reason')}: why publishing would "
                           "put the child "
                           "or family at risk (kept in the case file, not published)")
    cspr = _table(document, "cspr")
    changes = _set(cspr, "not_published_reason", reason, "cspr.not_published_reason")
    if letter:
        changes += _set(cspr, "not_published_letter_reason", letter,
                        "cspr.not_published_letter_reason")
    return changes


def _action_added(document: Any, when: date, options: EventOptions) -> list[Change]:
    import tomlkit

    if not options.text or not options.text.strip():
        raise InvalidEvent(f"action-added needs {option_named('text')} describing the action "
                           f"(and {option_named('owner')}, {option_named('due')})")
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
        raise InvalidEvent(f"{event} needs {option_named('action', 'N')}, the action's number in "
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
        raise InvalidEvent(f"action-progress needs {option_named('note')}: what has happened on "
                           "the action, e.g. \"training dates set for March\"")
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
        raise InvalidEvent(f"learning-shared needs {option_named('channel')}: briefing, training, "
                           "website, or "
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


def _withdrawn(document: Any, when: date, options: EventOptions) -> list[Change]:
    """The case is withdrawn: nothing stays due (rules.py). The reason is kept as typed (the
    incident did not meet the criteria after all; or `--duplicate-of ID`, a duplicate).

    A correction without --new-reason changes the date and keeps the recorded reason.
    """
    reason = " ".join(_own_reason(options).split())
    if options.duplicate_of:
        reason = f"a duplicate of {options.duplicate_of}" + (f": {reason}" if reason else "")
    if options.correct and not reason:
        return _set(document, "withdrawn", when, "withdrawn")
    if not reason:
        raise InvalidEvent(f"withdrawn needs {option_named('reason')}: why the case is withdrawn, "
                           "e.g. \"injury found to be accidental\"; or "
                           f"{option_named('duplicate-of', 'ID')} when another case already "
                           "holds this incident")
    changes = _set(document, "withdrawn", when, "withdrawn")
    return changes + _set(document, "withdrawn_reason", reason, "withdrawn_reason")


def _reopened(document: Any, when: date, options: EventOptions) -> list[Change]:
    reason = " ".join((options.reason or "").split())
    if "closed" not in document:
        raise InvalidEvent("the case is not closed, so there is nothing to reopen")
    if not reason:
        raise InvalidEvent(f"reopened needs {option_named('reason')}: why the case is reopened "
                           "(kept in the "
                           "case file and audit.log)")
    closed = _plain(document["closed"])
    if when < closed:
        raise InvalidEvent(f"reopened on {when.isoformat()} is before the case was closed "
                           f"({closed.isoformat()}); give the date it was reopened")
    del document["closed"]
    changes = [Change("closed", closed, None)]
    changes += _set(document, "reopened", when, "reopened")
    return changes + _set(document, "reopened_reason", reason, "reopened_reason")


def _rapid_review_item(key: str, what: str) -> Applier:
    """`rr-learning` and `immediate-action`: one more line of the Rapid Review's `key` list
    (the letters list them); the same text twice is recorded once."""
    def apply(document: Any, when: date, options: EventOptions) -> list[Change]:
        text = " ".join((options.text or "").split())
        if not text:
            raise InvalidEvent(f"give {what} with {option_named('text')}, e.g. "
                               f'{option_named("text")} "..." (one record a line)')
        rapid = _table(document, "rapid_review")
        items = rapid.get(key)
        if items is None:
            rapid[key] = [text]
            return [Change(f"rapid_review.{key}", None, [text])]
        old = [str(item) for item in items]
        if text in old:
            return []
        items.append(text)
        return [Change(f"rapid_review.{key}", old, [*old, text])]

    return apply


# The steps that need more than their date and their options' values set: by step name.
APPLY: dict[str, Applier] = {
    "agency-requested": _agency_requested,
    "agency-returned": _agency_returned,
    "recommendation": _recommendation,
    "decision": _decision,
    "rr-learning": _rapid_review_item("learning", "the learning the Rapid Review identified"),
    "immediate-action": _rapid_review_item("immediate_actions",
                                           "the immediate action taken"),
    "published": _publisher("published", "published_url"),
    "not-published": _not_published,
    "improvements-published": _publisher("improvements_published", "improvements_url"),
    "action-added": _action_added,
    "action-completed": _action_completed,
    "action-progress": _action_progress,
    "learning-shared": _learning_shared,
    "withdrawn": _withdrawn,
    "reopened": _reopened,
}

EVENTS: dict[str, EventSpec] = {
    step.name: EventSpec(step, APPLY.get(step.name) or _plain_step(step)) for step in STEPS
}


def event_spec(event: str) -> EventSpec:
    spec = EVENTS.get(event)
    if spec is None:
        raise InvalidEvent(f"unknown event {event!r}; "
                           + said("`lscp record --help` lists them", "lscp_cli.Event lists them"))
    return spec


def planned_events() -> list[str]:
    """The events whose DATE may be in the future: planned meetings and publication."""
    return [name for name, spec in EVENTS.items() if spec.future_ok]


def check_options(event: str, options: EventOptions) -> None:
    """Refuse options the event does not take (`closed --url x` would be silently lost)."""
    spec = event_spec(event)
    given = [o.name for o in OPTIONS.values() if getattr(options, o.field) not in (None, (), False)]
    revisions = [name for name, on in (("correct", options.correct), ("undo", options.undo),
                                       ("reschedule", options.reschedule)) if on]
    if len(revisions) > 1:
        raise InvalidEvent(f"{' and '.join(option_named(r) for r in revisions)} each change a "
                           "recorded step their own way: give one, not both")
    if options.undo:  # what names the step to remove, and why
        allowed: tuple[str, ...] = ("undo", "reason", *(
            o for o in spec.options if o in ("agency", "action")))
    else:
        # Any step may be corrected (the reason for a correction is --reason) or, if it is a
        # plan, rescheduled (a reason optional), and take a --note.
        allowed = (*spec.options, "correct", "reschedule", "note",
                   *(("reason",) if options.correct or options.reschedule else ()))
    if options.new_reason is not None and not options.correct and "new-reason" in allowed:
        raise InvalidEvent(f"{option_named('new-reason')} corrects a recorded reason: use it "
                           f"with {option_named('correct')} {option_named('reason', 'WHY')}; to "
                           f"record {event}'s reason, give it as {option_named('reason')}")
    if unused := [name for name in given if name not in allowed]:
        takes = (f"; it takes {', '.join(option_named(o) for o in spec.options)}"
                 if spec.options else "; it takes no options")
        raise InvalidEvent(f"{event} does not use {', '.join(option_named(o) for o in unused)}"
                           f"{takes}")


def apply_event(document: Any, event: str, when: date, options: EventOptions) -> list[Change]:
    spec = event_spec(event)
    check_options(event, options)
    return spec.apply(document, when, options)
