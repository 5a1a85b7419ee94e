"""Changing a step's record other than by correcting it: moving a plan, undoing a mistake.

- `reschedule`: a planned step (a RAG meeting, the planned publication) moves to a new date.
  Moving a meeting is not a correction: the audit line says "rescheduled", with no reason
  needed.
- `undo`: a step recorded by mistake is removed, with the fields recorded with it (the
  Panel's reference with the notification, the outcome with the decision), and a reason
  that goes to audit.log. The steps it would leave without their predecessor (a Rapid
  Review without its decision) are the order checks' to refuse (process/order.py).

Which fields a step wrote comes from the registry (steps.py). Messages name steps, fields
and dates, never free text from the case.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from lscp_cli.base.audit import Change
from lscp_cli.base.tomledit import plain as _plain
from lscp_cli.base.tomledit import set_value as _set
from lscp_cli.errors import InvalidEvent
from lscp_cli.model.agencies import agency_index
from lscp_cli.model.event_options import EventOptions, option_named
from lscp_cli.model.step_tables import list_entry_dates, owner_of, planned_steps
from lscp_cli.model.steps import STEPS, Step

# Steps whose entries (an action, a note) are too many-sided to remove safely from the
# command line: `lscp edit` shows what goes with them.
_BY_EDIT_ONLY = ("action-added", "action-progress", "learning-shared")


def _get(document: Any, path: str) -> tuple[Any, str]:
    """The table holding `path` (None if it does not exist), and the key."""
    table, _, key = path.rpartition(".")
    if not table:
        return document, key
    place = document.get(table)
    return (place if hasattr(place, "get") else None), key


def reschedule(document: Any, step: Step, when: date, today: date) -> list[Change]:
    """Move the planned date of `step` to `when`."""
    if not step.ahead or step.repeats or step.date is None:
        names = ", ".join(s.name for s in planned_steps() if not s.repeats)
        how = (f"undo the old date ({step.name} OLD-DATE with {option_named('undo')}) and "
               "record the new one" if step.repeats
               else "change it as a correction, with its reason")
        raise InvalidEvent(f"only a planned step is rescheduled ({names}); {step.name}: {how}")
    place, key = _get(document, step.date)
    old = _plain(place.get(key)) if place is not None else None
    if not isinstance(old, date):
        raise InvalidEvent(f"no {step.name} is planned in this case, so there is nothing to "
                           "reschedule; record it as a new step")
    if old <= today and not step.is_plan:
        raise InvalidEvent(f"the {step.label} on {old.isoformat()} has already happened (it "
                           "is not after today), so it is not rescheduled; if its date is "
                           "wrong, change it as a correction, with its reason")
    return _set(place, key, when, step.date)


def undo(document: Any, step: Step, when: date | None, options: EventOptions) -> list[Change]:
    """Remove what `step` recorded; `when`, if given, must be the date it is recorded on."""
    if step.name in _BY_EDIT_ONLY or step.name == "reopened":
        how = ("record closed again" if step.name == "reopened"
               else "remove the entry with `lscp edit`, which shows what goes with it")
        raise InvalidEvent(f"{step.name} is not undone this way: {how}")
    if step.date and "[]." in step.date:
        return _undo_in_entry(document, step, step.date, when, options)
    if step.repeats and step.date:
        return _undo_one_date(document, step, step.date, when)
    marker = step.recorded_by or ""
    place, key = _get(document, marker)
    if place is None or key not in place:
        raise InvalidEvent(f"no {step.name} is recorded in this case, so there is nothing to "
                           "undo")
    if step.date is not None and when is not None:
        place, key = _get(document, step.date)
        recorded = _plain(place.get(key)) if place is not None else None
        if recorded != when:
            shown = recorded.isoformat() if isinstance(recorded, date) else "another date"
            raise InvalidEvent(f"{step.name} is recorded on {shown}, not {when.isoformat()}; "
                               "give the recorded date, or leave the date out")
    return _remove(document, _fields(step))


def _fields(step: Step) -> list[str]:
    """What undoing `step` removes: what it wrote, and, when the date is its own, what other
    steps recorded with that date (the RAG's recommendation with its meeting)."""
    fields = [f for f in step.fields if f != step.date or owner_of(f) is step]
    if step.date is not None and owner_of(step.date) is step:
        fields += [f for other in STEPS if other is not step and other.date == step.date
                   for f in other.fields if f != step.date]
    return list(dict.fromkeys(fields))


def _remove(document: Any, paths: list[str]) -> list[Change]:
    changes = []
    for path in paths:
        place, key = _get(document, path)
        if place is not None and key in place:
            changes.append(Change(path, _plain(place[key]), None))
            del place[key]
    return changes


def _undo_one_date(document: Any, step: Step, path: str, when: date | None) -> list[Change]:
    """One date of a step that happens more than once (a practitioner event)."""
    place, key = _get(document, path)
    dates = [_plain(d) for d in place.get(key) or []] if place is not None else []
    if when is None or when not in dates:
        listed = ", ".join(d.isoformat() for d in dates) or "none"
        raise InvalidEvent(f"give the date of the {step.label} to undo (recorded: {listed})")
    place[key].remove(when)
    return [Change(path, dates, [d for d in dates if d != when])]


def _undo_in_entry(document: Any, step: Step, path: str, when: date | None,
                   options: EventOptions) -> list[Change]:
    """An agency's request or return, an action's completion: in the entry named."""
    list_name, key = path.split("[].", 1)
    entries = document.get(list_name) or []
    if list_name == "agencies":
        names = [n for n in options.agencies if n.strip()]
        index = agency_index(entries, names[0]) if len(names) == 1 else None
        which = (f"give the agency with {option_named('agency', 'NAME')}" if len(names) != 1
                 else "no such agency")
    else:
        number = options.action
        index = number - 1 if number is not None and 1 <= number <= len(entries) else None
        which = f"give the action's number with {option_named('action', 'N')}"
    if index is None:
        raise InvalidEvent(f"{step.name}: which entry to undo? {which}")
    entry = entries[index]
    label = f"{list_name}[{index + 1}]"
    if key not in entry:
        raise InvalidEvent(f"no {step.name} is recorded in {label}, so there is nothing to "
                           "undo")
    if when is not None and _plain(entry[key]) != when:
        raise InvalidEvent(f"{step.name} is recorded on {_plain(entry[key]).isoformat()}, not "
                           f"{when.isoformat()}; give the recorded date, or leave it out")
    if list_entry_dates().get(list_name) == key:  # the step made the entry: it goes whole
        later = [s.name for s in STEPS if s.date and s.date.startswith(f"{list_name}[].")
                 and s is not step and s.date.split("[].", 1)[1] in entry]
        if later:
            raise InvalidEvent(f"{label} also has {', '.join(later)} recorded: undo that "
                               "first")
        removed = {k: _plain(v) for k, v in entry.items()}
        del entries[index]
        return [Change(label, removed, None)]
    old = _plain(entry[key])
    del entry[key]
    return [Change(f"{label}.{key}", old, None)]
