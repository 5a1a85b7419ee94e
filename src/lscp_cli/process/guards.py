"""What `record` refuses before anything is written: a statutory record never changes silently.

- A step already recorded is changed only with `--correct --reason` (the reason goes to
  audit.log with the change): a command re-run from shell history cannot rewrite a date.
- A closed case takes no new steps until it is reopened (`record ID reopened --reason`); its
  open actions may still be completed.
- A case is not closed while actions are open, or while a deadline is still owed (closing
  would hide it), unless `--force` (actions stay in the reports; a deadline due by the
  closing date shows as missed).
- A step that would put the case in an impossible order (order.py, the rules `check` uses),
  or that the case's duties exclude (duties.py: no Rapid Review for a care leaver's death);
  so is undoing a step that another recorded step needs (a decision under a Rapid Review).

`guarded_apply` runs inside the case's lock on the parsed document; raising leaves the file
untouched. Messages name fields, dates and numbers, never free text from the case.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from lscp_cli.base.audit import Change
from lscp_cli.base.records import replace
from lscp_cli.base.tomledit import set_value as _set
from lscp_cli.base.tomledit import table as _table
from lscp_cli.errors import AlreadyRecorded, CaseClosed, InvalidEvent, OrderRefused, said
from lscp_cli.model.event_options import EventOptions, option_named
from lscp_cli.model.eventnotes import with_note
from lscp_cli.model.events import apply_event, event_spec, planned_events
from lscp_cli.model.revisions import reschedule, undo
from lscp_cli.model.steps import Step
from lscp_cli.process.duties import newly_excluded
from lscp_cli.process.order import new_violations
from lscp_cli.process.rules import Status, case_deadlines
from lscp_cli.process.step_checks import Checks, late_against, unusual

# Steps a closed case still takes: reopening it, finishing its action plan, and `closed`
# itself (the same date again changes nothing; another date needs --correct).
ON_A_CLOSED_CASE = ("reopened", "action-completed", "action-progress", "closed")
WHY = '"why"'
# Values safe to quote in a message (dates aside): the outcomes, never free text.
QUOTABLE = ("rapid_review.recommendation", "rapid_review.decision")


def guarded_apply(document: Any, case_id: str, event: str, when: date | None,
                  options: EventOptions, checks: Checks) -> list[Change]:
    """`apply_event`, refused (nothing changed on disk) if it breaks a rule above (the
    duties and the steps a case needs: `checks.rules`, the casebook's); an unusual step is
    warned (`options.warnings`, step_checks.py).

    `options.undo` removes the step instead (`when`, if given, must be its date);
    `options.reschedule` moves a planned one (revisions.py).
    """
    step = event_spec(event).step
    before = document.unwrap()
    _refuse_closed_case(before, case_id, event, options)
    _refuse_another_authoritys_notification(before, case_id, event)
    reason = " ".join((options.reason or "").split())
    if options.undo:
        if not reason:
            raise InvalidEvent(f"{option_named('undo')} needs {option_named('reason')}: why the "
                               "step was recorded by mistake "
                               "(it is kept in audit.log with what was removed)")
        changes = [replace(c, reason=reason) for c in undo(document, step, when, options)]
        _refuse_impossible(before, document.unwrap(), case_id, event, checks)
        return changes
    if when is None:
        raise InvalidEvent(f"{event} needs the date it happened")
    if when > checks.today and not step.ahead:
        raise InvalidEvent(f"{event} on {when.isoformat()} is in the future; record a step "
                           "on or after the day it happens (only planned steps may be "
                           f"dated ahead: {', '.join(planned_events())})")
    if options.correct and not reason:
        raise InvalidEvent(f"{option_named('correct')} needs {option_named('reason')}: why the "
                           "recorded value was wrong (it "
                           "is kept in audit.log with the correction)")
    if options.reschedule:
        changes = [replace(c, reason=reason or None)
                   for c in reschedule(document, step, when, checks.today)]
    else:
        changes = apply_event(document, event, when, options)
    late = late_against(step, when, document.unwrap(), checks)
    note = " ".join((options.note or "").split())
    kept = bool(late and step.late_reason and note and "note" not in step.options_taken)
    if kept and step.late_reason:  # the note says why it is late: kept where letters read it
        table, _, key = step.late_reason.rpartition(".")
        changes += _set(_table(document, table), key, note, step.late_reason)
    overwritten = ([c for c in changes if _overwrites(c)]
                   if event != "reopened" and not options.reschedule else [])
    if overwritten and not options.correct:
        raise AlreadyRecorded(
            f"{case_id}: " + "; ".join(_recorded(c) for c in overwritten)
            + ". Nothing was changed. " + _still_planned(step, overwritten, checks.today)
            + "If the recorded value is wrong, run the same command "
            f"with {option_named('correct')} {option_named('reason', WHY)} (the reason "
            "goes to audit.log)")
    if options.correct:
        if changes and not overwritten:
            raise InvalidEvent(
                f"{case_id}: {_to_add(step, before, event, changes)} not recorded yet (it would "
                f"be added, not changed), so there is nothing to correct: leave out "
                f"{option_named('correct')} "
                f"and {option_named('reason')}; "
                f"an entry already in a list is changed with `lscp edit {case_id}`")
        changes = [replace(c, reason=reason) for c in changes]
    if event == "closed" and not options.force:
        _refuse_open_actions(before, case_id)
    _refuse_impossible(before, document.unwrap(), case_id, event, checks)
    if event == "closed" and not options.force and changes and "closed" not in before:
        _refuse_unmet_duties(before, case_id, when, checks)
    if changes:
        options.warnings.extend(unusual(step, when, late, checks, reason_kept=kept))
    return with_note(changes, document, event, when, options.note,
                     own="note" in step.options_taken or kept)


def _refuse_another_authoritys_notification(data: dict[str, Any], case_id: str,
                                            event: str) -> None:
    """A child of this area harmed elsewhere in England: the authority where it happened
    notifies the Panel (Children Act 2004 s16C(1)); this one records that notification."""
    incident = data.get("incident")
    if (event == "panel-notified" and isinstance(incident, dict)
            and incident.get("in_area") == "elsewhere-in-england"):
        record = said(f"`lscp record {case_id} other-authority-notified DATE --authority NAME "
                      "--reference REF`", "casebook.record(ID, Event.OTHER_AUTHORITY_NOTIFIED, "
                      "DATE, authority=NAME, reference=REF)")
        raise InvalidEvent(f"{case_id}: the incident happened in another local authority's "
                           "area in England, so that authority notifies the Panel, not this "
                           f"one (Children Act 2004 s16C(1)); record its notification: {record}")


def _refuse_impossible(before: dict[str, Any], after: dict[str, Any], case_id: str,
                       event: str, checks: Checks) -> None:
    """A step the case's duties exclude, or that breaks the order of steps, is refused."""
    if why := newly_excluded(before, after, checks.rules):
        raise OrderRefused(f"{case_id}: {event} refused, nothing was written: {why}")
    if broken := new_violations(before, after, checks.rules):
        dated = any(v.dated for v in broken)
        raise OrderRefused(f"{case_id}: {event} refused, nothing was written: "
                           + "; ".join(v.message for v in broken)
                           + (". Check the date (day first: 06/01/2025)" if dated else ""))


def _still_planned(step: Step, overwritten: list[Change], today: date) -> str:
    """What moves a plan still ahead (a RAG meeting booked): `--reschedule`, not a correction
    (revisions.py `reschedule` takes the same plans)."""
    old = next((c.old for c in overwritten if c.field == step.date), None)
    if (not step.ahead or step.repeats or not isinstance(old, date)
            or (old <= today and not step.is_plan)):
        return ""
    return (f"It is a planned date still ahead: to move it, run the same command with "
            f"{option_named('reschedule')} (audited as rescheduled, not as a correction). ")


def _to_add(step: Step, before: dict[str, Any], event: str, changes: list[Change]) -> str:
    """What a correction would only add: the step, or, where the step is recorded, the fields
    it lacks (a withheld report's --letter-reason added to its recorded not-published)."""
    table, _, key = (step.recorded_by or "").partition(".")
    recorded = "[]" not in table and key and isinstance(before.get(table), dict) and (
        before[table].get(key) not in (None, "", []))
    if not recorded:
        return f"this {event} is"
    fields = [f"'{change.field}'" for change in changes]
    return (f"this {event} is recorded, and only " + " and ".join(fields)
            + (" is" if len(fields) == 1 else " are"))


def _overwrites(change: Change) -> bool:
    """The change replaces a recorded value (adding to a list, or filling a gap, does not)."""
    old, new = change.old, change.new
    if old is None:  # a Change never has old == new (diff_data, set_value drop those)
        return False
    return not (isinstance(old, list) and isinstance(new, list) and new[:len(old)] == old)


def _shown(field: str, value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool | int) or field in QUOTABLE:
        return repr(value) if isinstance(value, str) else str(value)
    return "other text"


def _recorded(change: Change) -> str:
    if change.new is None:
        return f"'{change.field}' is already recorded"
    old, new = _shown(change.field, change.old), _shown(change.field, change.new)
    if old == new:  # two different texts: say so without quoting either
        return f"'{change.field}' is already recorded, with different text"
    return f"'{change.field}' is already recorded as {old} (you gave {new})"


def _refuse_closed_case(data: dict[str, Any], case_id: str, event: str,
                        options: EventOptions) -> None:
    closed = data.get("closed")
    if closed is None or event in ON_A_CLOSED_CASE:
        return
    when = closed.isoformat() if isinstance(closed, date) else "a recorded date"
    raise CaseClosed(f"{case_id} was closed on {when}; a closed case takes no new steps. To "
                     "record more, reopen it first: "
                     + said(f"lscp record {case_id} reopened --reason \"why\"",
                            "record reopened with reason=\"why\""))


def _refuse_open_actions(data: dict[str, Any], case_id: str) -> None:
    actions = data.get("actions")
    if not isinstance(actions, list):
        return
    open_actions = [
        _describe(number, action) for number, action in enumerate(actions, start=1)
        if isinstance(action, dict) and "completed" not in action
    ]
    if open_actions:
        listed = "; ".join(open_actions)
        raise InvalidEvent(
            f"{case_id} has {len(open_actions)} open action(s): {listed}. Record each with "
            + said(f"`lscp record {case_id} action-completed --action N`",
                   "action-completed and action=N")
            + f", or close the case anyway with {option_named('force')} (its open actions "
            "stay in every report until completed)")


def _refuse_unmet_duties(data: dict[str, Any], case_id: str, when: date,
                         checks: Checks) -> None:
    """A case is not closed while a deadline is still owed (a Rapid Review never sent, a
    report never made): closing would hide it. `--force` closes it anyway, and what was due by
    then shows as missed."""
    hidden = (Status.MISSED, Status.CLOSED)  # what closing would turn them into
    owed = [d for d in case_deadlines({**data, "closed": when}, checks.calendar, checks.rules,
                                      when, unmet_only=True) if d.status in hidden]
    if owed:
        listed = "; ".join(
            f"{d.label} ({'overdue since' if d.due < when else 'due'} {d.due.isoformat()})"
            for d in owed)
        raise InvalidEvent(
            f"{case_id} still owes {len(owed)} deadline(s) on {when.isoformat()}: {listed}. "
            "Record each step first (or withdraw the case if it does not meet the criteria), "
            f"or close it anyway with {option_named('force')}: a deadline due by then shows "
            "as missed, never met, and stats count it late")


def _describe(number: int, action: dict[str, Any]) -> str:
    details = [str(action["owner"])] if action.get("owner") else []
    due = action.get("due")
    details.append(f"due {due.isoformat()}" if isinstance(due, date) else "no due date")
    return f"action {number} ({', '.join(details)})"
