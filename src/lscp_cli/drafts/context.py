"""What a template can use, built from a case: every schema field, the deadlines, the agency.

A template never prints a silent blank: the render context holds *every* schema field (None,
or [] for lists, when the case has not recorded it), so `StrictUndefined` still catches a
misspelt or unknown field, and a recorded-but-empty field prints the template's placeholder
(`{{ child.date_of_birth | date_or("[date of birth not recorded]") }}`) or, if the template gave
none, `[not recorded]`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from lscp_cli.errors import ActionRequired, DraftOptionError, said
from lscp_cli.model.agencies import agency_key, find_agency, same_agency, tidy_name
from lscp_cli.model.ages import ages, duty_facts
from lscp_cli.model.casefields import ARRAYS, TABLES, TOP_FIELDS
from lscp_cli.model.values import recorded
from lscp_cli.process.asof import WITH_STEP
from lscp_cli.process.rules import Status, not_applicable
from lscp_cli.process.ruleset import case_milestones, default_rules, load_rules
from lscp_cli.process.settings import NOTIFIER_KEYS, Settings

if TYPE_CHECKING:
    from lscp_cli.process.rules import Deadline
    from lscp_cli.process.ruleset import Rule

# Milestones with one deadline per case (from rules.toml); per-agency and per-action ones go
# on their rows.
CASE_MILESTONES = tuple(case_milestones())

# Fields whose value is a list: an unrecorded one is [] so `{% for %}` and `| otherwise` work.
_LIST_FIELDS = frozenset({"known_to", "learning", "immediate_actions", "practitioner_events"})


def _empty(field: str) -> Any:
    return [] if field in _LIST_FIELDS else None


def _row(data: Any, fields: Iterable[str]) -> dict[str, Any]:
    given = data if isinstance(data, Mapping) else {}
    row = {field: _empty(field) for field in fields}
    row.update({key: recorded(value) for key, value in given.items()})
    return row


def normalise_case(case_data: Mapping[str, Any]) -> dict[str, Any]:
    """The case with every schema field present: None (or []) where nothing is recorded."""
    case = _row(case_data, TOP_FIELDS)
    for table, fields in TABLES.items():
        case[table] = _row(case_data.get(table), fields)
    for array, fields in ARRAYS.items():
        rows = case_data.get(array)
        case[array] = [_row(row, fields) for row in rows] if isinstance(rows, list) else []
    return case


def step_state(deadline: Deadline | None, today: date) -> str | None:
    """Where a step stands on the letter's date: "done", "overdue" or "due" (still to come).

    A letter says a done step in the past tense with its date (`met`), an overdue one as
    outstanding (never "is due by" a day gone), and only a "due" one as to come. None: the
    case has no such deadline (not needed, or nothing to count from yet).
    """
    if deadline is None:
        return None
    if Status(deadline.status).is_met:  # a hand-built Deadline may carry the status's text
        return "done"
    return "overdue" if deadline.due < today else "due"


def _deadline_view(deadline: Deadline | None, today: date) -> dict[str, Any]:
    if deadline is None:
        return {"due": None, "met": None, "status": None, "provisional": False, "basis": None,
                "state": None}
    return {
        "due": deadline.due,
        "met": deadline.met,
        "status": deadline.status,
        "provisional": deadline.provisional,
        "basis": deadline.basis,
        "state": step_state(deadline, today),
    }


def action_view(
    case: Mapping[str, Any], deadlines: Sequence[Deadline], number: int
) -> dict[str, Any]:
    """Action `number` (1-based, as `lscp show` numbers them) with its deadline's status."""
    rows = case["actions"]
    if not 1 <= number <= len(rows):
        have = f"actions 1 to {len(rows)}" if len(rows) > 1 else f"{len(rows)} action"
        raise ActionRequired(
            said(f"--action {number}", f"action={number}")
            + f": this case has {have if rows else 'no actions'}; "
            "`lscp show ID` lists them"
        )
    deadline = next(
        (d for d in deadlines if d.milestone == "action" and d.action == number), None
    )
    progress = rows[number - 1].get("progress")
    return {
        **rows[number - 1],
        "number": number,
        "status": str(deadline.status) if deadline is not None else None,
        "working_days_left": deadline.working_days_left if deadline is not None else None,
        "progress": [
            _row(entry, ("date", "note")) for entry in progress or [] if isinstance(entry, Mapping)
        ],
    }


def with_agency_requested(
    case_data: Mapping[str, Any], name: str, today: date, due: date | None = None
) -> tuple[dict[str, Any], bool]:
    """The case as it will be once `name` is asked today (by `due`, if given), and whether
    that is hypothetical.

    A request letter is usually drafted before the request is recorded, and its return date
    must still be right: the deadlines are worked out from this version, and the officer told.
    """
    data = dict(case_data)
    agencies = [dict(row) for row in case_data.get("agencies") or [] if isinstance(row, Mapping)]
    existing = find_agency(case_data.get("agencies"), name)
    if existing is not None and isinstance(existing.get("requested"), date):
        return data, False
    asked = {"requested": today, **({"due": due} if due is not None else {})}
    if existing is None:
        agencies.append({"name": tidy_name(name), **asked})
    else:
        for row in agencies:
            if same_agency(row.get("name"), existing.get("name")):
                row.update(asked)
    data["agencies"] = agencies
    return data, True


def as_drafted(case_data: Mapping[str, Any], today: date) -> Mapping[str, Any]:
    """The case without the planned steps dated after the letter's date (`planned_view`).

    A letter says only what is true on the day it is drafted: a RAG meeting (with the
    recommendation that goes with it) or a practitioner event booked ahead has not happened.
    These are the steps `record` accepts a future date for; the planned publication date is
    a plan already, and stays. Returns `case_data` itself when nothing is booked ahead.
    """
    planned = planned_view(case_data, today)
    if not planned["rag_meeting"] and not planned["practitioner_events"]:
        return case_data
    data = dict(case_data)
    if planned["rag_meeting"]:
        data["rapid_review"] = {
            key: value for key, value in data["rapid_review"].items()
            if key not in ("meeting", *WITH_STEP["rapid_review.meeting"])
        }
    if planned["practitioner_events"]:
        cspr = dict(data["cspr"])
        cspr["practitioner_events"] = [when for when in cspr["practitioner_events"]
                                       if when not in planned["practitioner_events"]]
        data["cspr"] = cspr
    return data


def planned_view(case_data: Mapping[str, Any], today: date) -> dict[str, Any]:
    """The steps booked after the letter's date, which a letter writes as planned.

    `rag_meeting` (a date or None), `practitioner_events` (dates, soonest first) and
    `publication` (the planned publication date, if after the letter's date).
    """
    def later(value: Any) -> bool:
        return isinstance(value, date) and value > today

    rapid = case_data.get("rapid_review")
    cspr = case_data.get("cspr")
    rapid = rapid if isinstance(rapid, Mapping) else {}
    cspr = cspr if isinstance(cspr, Mapping) else {}
    events = cspr.get("practitioner_events")
    meeting, publication = rapid.get("meeting"), cspr.get("publication_planned")
    return {
        "rag_meeting": meeting if later(meeting) else None,
        "practitioner_events": sorted(
            when for when in (events if isinstance(events, list) else []) if later(when)),
        "publication": publication if later(publication) else None,
    }


def event_view(
    case_data: Mapping[str, Any], chosen: date | None, today: date
) -> dict[str, Any] | None:
    """The practitioner event a letter invites to: `chosen` (`--event DATE`), else the next one
    on or after `today`; its `date` and `note` (the last `--note` recorded with that event, where
    an officer keeps the time and place). None when there is no event still to come.
    """
    cspr = case_data.get("cspr")
    listed = cspr.get("practitioner_events") if isinstance(cspr, Mapping) else None
    events = sorted(when for when in (listed if isinstance(listed, list) else [])
                    if isinstance(when, date))
    if chosen is not None:
        shown = ", ".join(when.isoformat() for when in events) or "none recorded"
        if chosen not in events:
            raise DraftOptionError(
                said(f"--event {chosen.isoformat()}", f"event={chosen.isoformat()}")
                + f": no practitioner event is recorded on that date (this case has: {shown}); "
                + said(f"record it first with `lscp record {case_data.get('id')} "
                       f'practitioner-event {chosen.isoformat()} --note "TIME, PLACE"`',
                       "record the practitioner-event step first (note: time, place)"))
        if chosen < today:
            raise DraftOptionError(
                said(f"--event {chosen.isoformat()}", f"event={chosen.isoformat()}")
            + f": that event was held before the letter's date "
                f"({today.isoformat()}); an invitation is to an event still to come "
                f"(this case has: {shown})")
    else:
        chosen = next((when for when in events if when >= today), None)
        if chosen is None:
            return None
    notes = [entry.get("note") for entry in case_data.get("event_notes") or []
             if isinstance(entry, Mapping) and entry.get("event") == "practitioner-event"
             and entry.get("date") == chosen and isinstance(entry.get("note"), str)]
    return {"date": chosen, "note": recorded(notes[-1]) if notes else None}


def rules_view(rules: Sequence[Rule]) -> dict[str, dict[str, Any]]:
    """Each rule's number as letters write it, by id (`rules.cspr_publication.period`).

    A letter never types a timescale: "6 months" comes from here, so a partnership that sets
    `cspr_publication_months = 9` in lscp.toml gets "9 months". `overridden` says the number
    is the partnership's own, not the guidance's (`default_period`), so a letter can say so
    instead of crediting the Panel's guidance with it.
    """
    shipped = {rule.id: rule for rule in default_rules()}
    view: dict[str, dict[str, Any]] = {}
    for rule in rules:
        default = shipped.get(rule.id, rule)
        view[rule.id.replace("-", "_")] = {
            "number": rule.offset,
            "unit": rule.unit_words,
            "period": rule.period,
            "default_period": default.period,
            "overridden": rule.offset != default.offset,
        }
    return view


def build_context(
    case_data: Mapping[str, Any],
    settings: Settings,
    deadlines: Sequence[Deadline],
    *,
    agency: str | None = None,
    action: int | None = None,
    today: date,
    final: bool = False,
    rules: Sequence[Rule] | None = None,
    event: date | None = None,
    reply_by: date | None = None,
) -> dict[str, Any]:
    """Everything a template can use. Every key is always present (see the module docstring).

    A planned step dated after `today` (`as_drafted`) is in `planned`, never in the case, so
    no letter says it happened.
    `final`: the officer asked for the letter to send, so the layout leaves out its DRAFT lines.
    `rules`: the rules in effect (the casebook's); by default the shipped rules with the
    settings' `[rules]` numbers. `event`: the practitioner event chosen with `--event`
    (`event_view`). `reply_by`: the new date an agency's reminder asks for (`--due`, or the rule).
    """
    in_effect = list(rules) if rules is not None else load_rules(settings)
    planned = planned_view(case_data, today)
    invited = event_view(case_data, event, today)
    case_data = as_drafted(case_data, today)
    case = normalise_case(case_data)
    by_milestone = {d.milestone: d for d in deadlines if d.milestone in CASE_MILESTONES}
    returns = {
        agency_key(d.agency): d for d in deadlines if d.milestone == "agency-return" and d.agency
    }
    for row in case["agencies"]:
        row["return_due"] = _deadline_view(returns.get(agency_key(row.get("name"))), today)["due"]
    chosen = None
    if agency is not None:
        chosen = find_agency(case["agencies"], agency)
        if chosen is None:
            chosen = {**_row({"name": tidy_name(agency)}, ARRAYS["agencies"]), "return_due": None}
    partnership = {key: recorded(value) for key, value in settings.partnership.items()}
    partnership["address"] = [line for line in partnership.get("address") or [] if line.strip()]
    marking = partnership.get("protective_marking") or "OFFICIAL-SENSITIVE"
    partnership["protective_marking"] = marking
    return {
        "case": case,
        **{key: case[key] for key in (*TABLES, *ARRAYS)},
        "partnership": partnership,
        "panel": settings.panel,
        "notifier": {key: settings.notifier.get(key) or None for key in NOTIFIER_KEYS},
        "rules": rules_view(in_effect),
        "marking": marking,
        "deadlines": {
            milestone.replace("-", "_"): _deadline_view(by_milestone.get(milestone), today)
            for milestone in CASE_MILESTONES
        },
        # Why the case's facts rule a step out (a care leaver's death: no Rapid Review), else
        # None: letters refuse or leave the step out.
        "not_needed": {
            **{milestone.replace("-", "_"): None for milestone in CASE_MILESTONES},
            **{rule.id.replace("-", "_"): why
               for rule, why in not_applicable(case_data, in_effect)},
        },
        # What the recorded facts say about the duties (model/ages.py): duty.s16c (a serious
        # child safeguarding incident, also a care leaver's death under 18 with abuse or
        # neglect known or suspected), duty.looked_after_death, duty.notifiable,
        # duty.care_leaver; letters follow the facts, never the incident's type alone.
        "duty": {**{key.removeprefix("duty."): value
                    for key, value in duty_facts(case_data).items()},
                 "care_leaver": _incident_type(case_data) == "care-leaver-death",
                 "ages": ages(case_data)},
        # Steps booked after `today`: the case does not hold them (as_drafted).
        "planned": planned,
        "agency": chosen,
        "action": action_view(case, deadlines, action) if action is not None else None,
        "event": invited,
        "reply_by": reply_by,
        "today": today,
        "final": final,
    }


def _incident_type(case_data: Mapping[str, Any]) -> Any:
    incident = case_data.get("incident")
    return incident.get("type") if isinstance(incident, Mapping) else None
