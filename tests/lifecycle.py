"""A fictional casebook that walks two incidents through the whole process with `lscp record`.

Shared by the figures, the action tracker and the board report tests. No real child, family or
event. Every date is a weekday that is not a bank holiday, so no counting convention matters.

Case "on time" (serious harm), aware Monday 3 March 2025:
  Panel and partners notified Wednesday 5 March (due Monday 10 March; 2 working days).
  Police and Health asked 5 March, both returned Tuesday 11 March (due Wednesday 12 March).
  RAG 17 March, Executive decides CSPR on Tuesday 18 March; Rapid Review sent Thursday
  20 March (due Wednesday 26 March: 15 working days after 5 March; 11 working days taken).
  CSPR commissioned 7 April; publication planned Wednesday 10 September 2025; final report to
  the Panel Thursday 28 August (due Monday 1 September, 7 working days before); published
  10 September (due Thursday 18 September 2025, 6 months after the decision).
  Two actions, both completed before their due dates. Closed 1 December 2025.

Case "late" (death), aware Monday 2 June 2025:
  Partners notified Tuesday 10 June and the Panel Wednesday 11 June (both due Monday 9 June;
  7 working days to the Panel).
  Police, Health, Education asked 11 June (due Wednesday 18 June): Police returned 17 June,
  Health 20 June (late), Education never.
  RAG 7 July, Executive decides CSPR on Wednesday 9 July; Rapid Review sent Friday 11 July
  (due Wednesday 2 July; 22 working days after 11 June).
  CSPR commissioned 1 August; publication planned Monday 16 February 2026; final report sent
  Monday 9 February (due Thursday 5 February); published 16 February 2026 (due Friday
  9 January 2026: not within 6 months).
  Actions: police training due 31 March 2026, completed 14 April (late); council audit due
  Friday 29 May 2026, open; health protocol due 18 December 2026, open. Not closed.
"""

from __future__ import annotations

from collections.abc import Callable

from click.testing import Result

Run = Callable[..., Result]

WITHDRAWN_CASE = """\
schema = 1
id = "LSCP-2025-099"
withdrawn = 2025-05-09
withdrawn_reason = "Fictional: did not meet the criteria"

[incident]
type = "serious-harm"
aware = 2025-05-06

[[children]]
initials = "W.X."
"""


def _ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def open_case(run: Run, kind: str, aware: str, initials: str) -> str:
    result = _ok(run("new-incident", "--no-input", "--type", kind, "--aware", aware,
                     "--child-initials", initials, "--abuse-or-neglect", "suspected"))
    return result.stdout.strip()


def record(run: Run, case: str, event: str, *args: str) -> None:
    _ok(run("record", case, event, *args))


def walk_on_time(run: Run) -> str:
    case = open_case(run, "serious-harm", "2025-03-03", "A.B.")
    record(run, case, "panel-notified", "2025-03-05", "--reference", "SI-00001")
    record(run, case, "partners-notified", "2025-03-05")
    record(run, case, "agency-requested", "2025-03-05", "--agency", "West Yorkshire Police",
           "--agency", "Leeds Community Healthcare")
    record(run, case, "agency-returned", "2025-03-11", "--agency", "West Yorkshire Police",
           "--agency", "Leeds Community Healthcare")
    record(run, case, "rag-meeting", "2025-03-17")
    record(run, case, "recommendation", "2025-03-17", "--outcome", "cspr")
    record(run, case, "decision", "2025-03-18", "--outcome", "cspr")
    record(run, case, "rapid-review-submitted", "2025-03-20")
    record(run, case, "cspr-commissioned", "2025-04-07", "--author", "Fictional Author")
    record(run, case, "family-informed", "2025-04-08")
    record(run, case, "practitioner-event", "2025-05-12")
    record(run, case, "draft-shared-with-family", "2025-07-01")
    record(run, case, "publication-planned", "2025-09-10")
    record(run, case, "report-sent-to-panel", "2025-08-28")
    record(run, case, "published", "2025-09-10", "--url", "https://example.org/cspr-a")
    record(run, case, "nspcc-submitted", "2025-09-11")
    record(run, case, "action-added", "2025-09-10", "--text",
           "Refresh multi-agency training on bruising in non-mobile babies",
           "--owner", "LSCP Business Unit", "--due", "2025-10-31")
    record(run, case, "action-added", "2025-09-10", "--text", "Audit the bruising protocol",
           "--owner", "Leeds Community Healthcare", "--due", "2025-11-28")
    record(run, case, "action-progress", "2025-10-01", "--action", "1", "--note",
           "Trainer booked")
    record(run, case, "action-completed", "2025-10-20", "--action", "1")
    record(run, case, "action-completed", "2025-11-27", "--action", "2")
    record(run, case, "learning-shared", "2025-11-03", "--channel", "briefing")
    record(run, case, "closed", "2025-12-01")
    return case


def walk_late(run: Run) -> str:
    case = open_case(run, "death", "2025-06-02", "C.D.")
    record(run, case, "partners-notified", "2025-06-10")
    record(run, case, "panel-notified", "2025-06-11", "--reference", "SI-00002")
    record(run, case, "agency-requested", "2025-06-11", "--agency", "West Yorkshire Police",
           "--agency", "Leeds Community Healthcare", "--agency", "Leeds City Council Education")
    record(run, case, "agency-returned", "2025-06-17", "--agency", "West Yorkshire Police")
    record(run, case, "agency-returned", "2025-06-20", "--agency", "Leeds Community Healthcare")
    record(run, case, "rag-meeting", "2025-07-07")
    record(run, case, "recommendation", "2025-07-07", "--outcome", "cspr")
    record(run, case, "decision", "2025-07-09", "--outcome", "cspr")
    record(run, case, "rapid-review-submitted", "2025-07-11")
    record(run, case, "cspr-commissioned", "2025-08-01", "--author", "Fictional Author")
    record(run, case, "publication-planned", "2026-02-16")
    record(run, case, "report-sent-to-panel", "2026-02-09")
    record(run, case, "published", "2026-02-16")
    record(run, case, "action-added", "2026-02-16", "--text", "Police training on neglect",
           "--owner", "West Yorkshire Police", "--due", "2026-03-31")
    record(run, case, "action-added", "2026-02-16", "--text", "Audit of school attendance "
           "escalation", "--owner", "Leeds City Council", "--due", "2026-05-29")
    record(run, case, "action-added", "2026-02-16", "--text", "Safe sleep protocol",
           "--owner", "Leeds Community Healthcare", "--due", "2026-12-18")
    record(run, case, "action-completed", "2026-04-14", "--action", "1")
    record(run, case, "action-progress", "2026-06-01", "--action", "2", "--note",
           "Audit delayed by staff absence")
    return case
