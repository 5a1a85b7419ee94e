"""The casebook: lscp as a library. The `lscp` commands are a thin layer over this class.

    from lscp_cli import Casebook
    casebook = Casebook.locate()          # a path / $LSCP_DIR / nearest lscp.toml / ~/lscp
    for row in casebook.deadlines(as_of=date(2025, 1, 14)):
        print(row.case, row.label, row.due, row.status)

Each method answers what one command does and returns data (dataclasses, `Found` lists);
nothing here prints or imports click. Reading and writing the files themselves, safely, is
`CaseFiles` (casefiles.py), which this class extends.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Unpack

from lscp_cli.base import fileguard, portable
from lscp_cli.base.audit import AuditEntry, parse_audit
from lscp_cli.base.tomllines import line_of
from lscp_cli.errors import CasebookError, CaseNotCounted, CaseNotYet, InvalidFile, Problem, said
from lscp_cli.model.case import Case
from lscp_cli.model.dates import today
from lscp_cli.model.event_options import EventOptions
from lscp_cli.model.steps import Event
from lscp_cli.process.asof import case_as_of
from lscp_cli.process.order import IMPOSSIBLE, impossible_problems
from lscp_cli.process.pastdates import aware_in_future, future_dates, future_message
from lscp_cli.process.progress import planned_after, stage_of, timeline, undated_actions
from lscp_cli.process.rules import (
    Deadline,
    case_deadlines,
    is_withdrawn,
    not_applicable,
    select_deadlines,
)
from lscp_cli.process.ruleset import load_rules
from lscp_cli.process.settings import load_settings
from lscp_cli.process.workdays import WorkCalendar
from lscp_cli.reports.incomplete import (
    counted_cases,
    doubts,
    left_out,
    notice,
    stage_in_doubt,
)
from lscp_cli.results import CalendarFeed, CaseSummary, CaseView, Checked, Found, Recorded
from lscp_cli.storage.casefiles import SETTINGS_FILE, CaseFiles, decode, default_dir

if TYPE_CHECKING:
    from lscp_cli.drafts.templates import TemplateStore
    from lscp_cli.model.intake import NewIncident
    from lscp_cli.model.step_options import StepOptions
    from lscp_cli.reports.actions import ActionRow
    from lscp_cli.reports.stats import Figures, Period
    from lscp_cli.storage.auditlog import Verified
    from lscp_cli.storage.editing import EditSession

class Casebook(CaseFiles):
    """A casebook folder (DESIGN.md section 2), and what the `lscp` commands do with it."""

    # -- finding ---------------------------------------------------------------------------
    # How the folder was chosen, for the line reports start with: `GIVEN` (the path given to
    # `locate`: lscp's --dir), "LSCP_DIR", "the nearest folder holding lscp.toml", "the
    # per-user default".
    GIVEN = "the path given"
    source: str = GIVEN

    @classmethod
    def locate(cls, path: Path | str | None = None, *, cwd: Path | None = None,
               must_exist: bool = True) -> Casebook:
        """`path` (`--dir`), else `$LSCP_DIR`, else the nearest folder up holding lscp.toml,
        else ~/lscp. A folder named by `path` or `$LSCP_DIR` must hold lscp.toml (else
        `CasebookError`, with the folder above that does, if any); `must_exist=False` is for
        `init`, which makes it one."""
        if path is not None:
            return cls._explicit(Path(path).expanduser(), cls.GIVEN, must_exist)
        env = os.environ.get("LSCP_DIR")
        if env:
            return cls._explicit(Path(env).expanduser(), "LSCP_DIR", must_exist)
        here = (cwd or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / SETTINGS_FILE).is_file():
                return cls._found(cls(folder), "the nearest folder holding lscp.toml")
        return cls._found(cls(default_dir(), is_default=True), "the per-user default")

    @staticmethod
    def _found(casebook: Casebook, source: str) -> Casebook:
        casebook.source = source
        return casebook

    @classmethod
    def _explicit(cls, path: Path, source: str, must_exist: bool) -> Casebook:
        given = source == cls.GIVEN
        origin = said("--dir", "the path given") if given else source
        if path.exists() and not path.is_dir():
            raise CasebookError(f"{path} (from {origin}) is a file, not a casebook folder")
        if must_exist and not path.exists():
            raise CasebookError(
                f"no casebook at {path} (from {origin}); create it with "
                f"`lscp init {portable.shell_quote(path)}` or check the path"
            )
        settings = path / SETTINGS_FILE
        if must_exist and os.path.lexists(settings) and not settings.is_file():
            raise CasebookError(f"{settings}: is not a regular file (a pipe, device, folder or "
                                "broken link); lscp reads only ordinary files: move it away "
                                "and put the partnership's lscp.toml there")
        if must_exist and not settings.is_file():
            # Reporting on a folder that is not a casebook would say "nothing due": refuse.
            above = next((folder for folder in path.resolve().parents
                          if (folder / SETTINGS_FILE).is_file()), None)
            if above is not None:
                use = (said(f"--dir {above}", f"Casebook.locate({str(above)!r})") if given
                       else f"LSCP_DIR={above}")
                fix = f"did you mean the folder above, {above}? ({use})"
            else:
                fix = f"to make this folder a casebook: `lscp init {path}`"
            raise CasebookError(
                f"{path} (from {origin}) is not a casebook: it has no {SETTINGS_FILE}; {fix}")
        return cls._found(cls(path), source)

    @cached_property
    def templates(self) -> TemplateStore:
        """The letter templates: the casebook's `templates/` folder over the built-ins."""
        # Imported here: the drafts package loads jinja2, which only draft commands need.
        from lscp_cli.drafts.templates import TemplateStore

        return TemplateStore(self.templates_dir)

    @cached_property
    def calendar(self) -> WorkCalendar:
        return self.settings.calendar.work_calendar()

    # -- looking at cases -------------------------------------------------------------------
    def list_cases(self, as_of: date | None = None, *, open_only: bool = False
                   ) -> Found[CaseSummary]:
        """Every case with its stage and next deadline (`lscp list`), in id order."""
        as_of = as_of or today()
        cases, problems = self._recorded(None)
        cases = self.cases_as_of(cases, as_of)
        if open_only:  # a withdrawn case is not open work either
            cases = [c for c in cases if c.is_open and not is_withdrawn(c.data)]
        rows = []
        # A case dated so that it cannot be counted is still listed, with why (never hidden).
        for problem in problems:
            if isinstance(problem, CaseNotCounted) and problem.case is not None:
                case = problem.case
                if open_only and not (case.is_open and not is_withdrawn(case.data)):
                    continue
                rows.append(CaseSummary(
                    id=case.id, opened=case.data.get("opened"),
                    children=case.children_initials,
                    type=case.data.get("incident", {}).get("type"),
                    stage=f"not counted: {problem.field} is in the future (lscp check)",
                    next_deadline=None, closed=case.data.get("closed")))
        in_doubt = doubts(cases)
        for case in cases:
            upcoming = self.next_deadlines(case, as_of)
            stage = stage_of(case.data, self.rules)
            rows.append(CaseSummary(
                id=case.id,
                opened=case.data.get("opened"),
                children=case.children_initials,
                type=case.data.get("incident", {}).get("type"),
                stage=stage_in_doubt(stage) if case.id in in_doubt else stage,
                next_deadline=upcoming[0] if upcoming else None,
                closed=case.data.get("closed"),
            ))
        rows.sort(key=lambda row: row.id)
        return Found(rows, problems=problems, cases=cases)

    def show(self, case_id: str, as_of: date | None = None) -> CaseView:
        """One case (`lscp show`): its facts, timeline and every deadline, met or not."""
        now = today()
        as_of = as_of or now
        recorded = self.load(case_id)
        case = self.as_of(recorded, as_of)
        stage = stage_of(case.data, self.rules)
        return CaseView(case=case, stage=stage_in_doubt(stage) if doubts([case]) else stage,
                        timeline=[e for e in timeline(case.data, now) if e[0] <= as_of],
                        deadlines=self.case_deadlines(case, as_of),
                        not_needed=[(rule.id, rule.label, why)
                                    for rule, why in not_applicable(case.data, self.rules)],
                        later=[e for e in timeline(recorded.data, now) if e[0] > as_of],
                        as_of=as_of)

    # -- a point in time (asof.py) ----------------------------------------------------------
    def as_of(self, case: Case, day: date) -> Case:
        """The case as it stood on `day`: every step dated after it not yet done.

        Raises `CaseNotYet` if the local authority only became aware of it after `day`.
        """
        data = case_as_of(case.data, day)
        if data is None:
            aware = case.data.get("incident", {}).get("aware")
            if aware_in_future(case.data, today()) is not None:
                raise CaseNotYet(f"{case.id}: {future_message('incident.aware', aware, case.id)}")
            raise CaseNotYet(f"{case.id} did not exist yet on {day.isoformat()}: the local "
                             f"authority became aware on {aware}; "
                             + said("give a later --as-of", "give a later as_of"))
        return case if data is case.data else Case(case.path, data, case.warnings)

    @staticmethod
    def cases_as_of(cases: Iterable[Case], day: date) -> list[Case]:
        """The cases as they stood on `day` (those not yet known then left out); every
        report reads them so, so `--as-of` in the past never counts a later step as done."""
        views = []
        for case in cases:
            data = case_as_of(case.data, day)
            if data is not None:
                views.append(case if data is case.data else Case(case.path, data,
                                                                 case.warnings))
        return views

    # -- what is due ------------------------------------------------------------------------
    def deadlines(
        self,
        as_of: date | None = None,
        *,
        case: str | None = None,
        include_met: bool = False,
        overdue_only: bool = False,
        within: int | None = None,
    ) -> Found[Deadline]:
        """The deadline report (`lscp deadlines`): overdue first, then by due date.

        By default the unmet deadlines of open cases, as of today. `case` limits it to one
        case (an unknown id raises `CaseNotFound`); `include_met` adds met deadlines and
        closed cases; `within` keeps those due within that many working days (and overdue).
        """
        as_of = as_of or today()
        recorded, problems = self._recorded(case)
        cases = self._views(recorded, as_of, one=case is not None)
        rows = select_deadlines([c.data for c in cases], self.calendar, self.rules, as_of,
                                include_met=include_met, overdue_only=overdue_only,
                                within=within, doubts=doubts(cases))
        found = Found(rows, problems=problems, cases=cases)
        for one in cases:
            if is_withdrawn(one.data):
                continue
            found.undated += [(one.id, number) for number in undated_actions(one.data)]
        # Planned steps come from the file as recorded: as of today they are not done yet.
        for whole in recorded:
            view = found.cases.get(whole.id)
            if view is not None and view.is_open and not is_withdrawn(view.data):
                found.upcoming += [(when, whole.id, what)
                                   for when, what in planned_after(whole.data, as_of)]
        found.upcoming.sort()
        return found

    def calendar_feed(
        self,
        as_of: date | None = None,
        *,
        case: str | None = None,
        overdue_only: bool = False,
        within: int | None = None,
    ) -> CalendarFeed:
        """`lscp deadlines --format ics`: an iCalendar file for Outlook, with reminders;
        met deadlines and those of withdrawn or closed cases cancelled under the same UID."""
        # The reports are imported where used: `lscp deadlines` and other commands skip them.
        from lscp_cli.reports.calendar_feed import feed_deadlines, render_ics

        as_of = as_of or today()
        cases, problems = self._cases(case, as_of)
        rows, cancelled = feed_deadlines([c.data for c in cases], self.calendar, self.rules,
                                         as_of, overdue_only=overdue_only, within=within,
                                         doubts=doubts(cases))
        ics = render_ics(rows, self.settings.name, self.calendar,
                         reminder_working_days=self.settings.calendar.reminder_working_days,
                         cancelled=lambda deadline: deadline.key in cancelled,
                         incomplete=notice(problems), as_of=as_of)
        return CalendarFeed(ics=ics, deadlines=rows, cancelled=cancelled, problems=problems)

    # -- after the Rapid Review: the reports (lscp_cli.reports) ----------------------------
    def actions(
        self,
        as_of: date | None = None,
        *,
        owner: str | None = None,
        case: str | None = None,
        open_only: bool = False,
        overdue_only: bool = False,
    ) -> Found[ActionRow]:
        """The action tracker (`lscp actions`): every action by owner, overdue first."""
        from lscp_cli.reports.actions import select_actions

        as_of = as_of or today()
        cases, problems = self._cases(case, as_of)
        rows = select_actions([c.data for c in cases], self.calendar, self.rules,
                              as_of, owner=owner, open_only=open_only,
                              overdue_only=overdue_only, doubts=doubts(cases))
        return Found(rows, problems=problems, cases=cases)

    def stats(self, as_of: date | None = None, period: Period | None = None) -> Figures:
        """The partnership's figures (`lscp stats`) for the incidents of `period`."""
        from lscp_cli.reports.stats import Figures, Period, figure_rows, figures

        as_of = as_of or today()
        cases, problems = self._cases(None, as_of)
        period = period or Period()
        data = figures([c.data for c in cases], self.calendar, self.rules, as_of, period,
                       doubts=doubts(cases))
        return Figures(data, figure_rows(data, self.rules), period, problems)

    def board_report(self, as_of: date | None = None, period: Period | None = None
                     ) -> Found[str]:
        """The board report (`lscp report`): one self-contained HTML page, as one row."""
        from lscp_cli.reports.board import board_context, render_board
        from lscp_cli.reports.stats import Period

        as_of = as_of or today()
        cases, problems = self._cases(None, as_of)
        html = render_board(board_context(
            [c.data for c in cases], self.calendar, self.rules, as_of,
            period or Period(), partnership=self.settings.name,
            marking=self.settings.protective_marking, not_counted=left_out(problems),
            doubts=doubts(cases)))
        return Found([html], problems=problems, cases=cases)

    def _cases(self, case: str | None, as_of: date) -> tuple[list[Case], list[InvalidFile]]:
        """One case (an unknown id raises `CaseNotFound`, one not known yet on `as_of`
        `CaseNotYet`), or every case and the bad files, as they stood on `as_of`."""
        cases, problems = self._recorded(case)
        return self._views(cases, as_of, one=case is not None), problems

    def _views(self, cases: list[Case], as_of: date, *, one: bool) -> list[Case]:
        """The cases as of `as_of`; the one case asked for by id must have existed then."""
        if one:
            return [self.as_of(case, as_of) for case in cases]
        return self.cases_as_of(cases, as_of)

    def _recorded(self, case: str | None) -> tuple[list[Case], list[InvalidFile]]:
        """One case or every case (and the bad files) as recorded, whatever their dates; with
        every case, those a report cannot count or counts in doubt are named among the bad
        files (`counted_cases`: an awareness in the future, an impossible order)."""
        if case is not None:
            return [self.load(case)], []
        cases, problems = self.load_all()
        return counted_cases(cases, problems, today())

    def case_deadlines(self, case: Case, as_of: date | None = None) -> list[Deadline]:
        """Every deadline of one case as of a date, met or not, in rule order; of a case
        withdrawn by then the unmet ones have the status "withdrawn" (nothing more is due), of
        one closed "closed" (but its actions), and an agency's return that never came "lapsed"
        once the Rapid Review has gone."""
        as_of = as_of or today()
        data = case_as_of(case.data, as_of)
        if data is None:
            return []
        return case_deadlines(data, self.calendar, self.rules, as_of, doubts=doubts([case]))

    def next_deadlines(self, case: Case | str, as_of: date | None = None) -> list[Deadline]:
        """A case's unmet deadlines, soonest first: none once it is withdrawn, and once it is
        closed only its open actions (still owed until completed)."""
        if isinstance(case, str):
            case = self.load(case)
        as_of = as_of or today()
        data = case_as_of(case.data, as_of)
        if data is None or is_withdrawn(data):
            return []
        found = [d for d in case_deadlines(data, self.calendar, self.rules, as_of,
                                           unmet_only=True) if d.status.is_open]
        if "closed" in data:
            found = [d for d in found if d.milestone == "action"]
        return sorted(found, key=lambda d: (d.due, d.milestone))

    def check(self) -> Checked:
        """`lscp check`: every problem in lscp.toml, the casebook's templates and case files."""
        problems: list[Problem] = []
        try:
            load_rules(load_settings(self.settings_path))
        except InvalidFile as exc:
            problems.extend(exc.problems)
        if self.templates_dir.is_dir() and any(self.templates_dir.glob("*.j2")):
            # Jinja costs ~40 ms to import: only a casebook with its own templates pays it.
            from lscp_cli.drafts.environment import check_templates

            problems.extend(check_templates(self.templates))
        cases, errors = self.load_all(use_cache=False)  # the files, never the cache
        for error in errors:
            problems.extend(error.problems)
        problems.extend(self._future_problems(cases))
        problems.extend(fileguard.link_problems(self.root))
        problems.extend(self.verify().problems)
        problems.extend(fileguard.temp_file_problems(self.cases_dir, self.root))
        warnings = [warning for case in cases for warning in case.warnings]
        # An impossible order (order.py) is a problem to fix, not just worth a look.
        problems.extend(impossible_problems(warnings))
        warnings = [w for w in warnings if not w.message.startswith(IMPOSSIBLE)]
        return Checked(problems=problems, warnings=warnings)

    def _future_problems(self, cases: Iterable[Case]) -> list[Problem]:
        """A date only the past makes sense for, in the future (pastdates.py), in each case."""
        now, found = today(), []
        for case in cases:
            dated = future_dates(case.data, now)
            if not dated:
                continue
            try:
                text = decode(self._read(case.path), case.path)
            except (OSError, InvalidFile):
                text = ""  # gone or changed since: the problem still stands, without a line
            found += [Problem(case.path, line_of(text, keys), future_message(name, day, case.id),
                              name) for keys, name, day in dated]
        return found

    # -- history ---------------------------------------------------------------------------
    def log(self, case: str | None = None) -> Found[AuditEntry]:
        """The audit trail (`lscp log`), oldest first: every change to every case, or to one
        (`case`, an id as typed). A damaged line is named in `problems`, never hides the rest;
        a line the hash chain does not prove (`verify`) comes with `verified` False."""
        case_id = self.normalise_id(case) if case is not None else None
        verified = self.verify()
        entries, bad = parse_audit(verified.raw, suspect=verified.suspect)
        problems = [InvalidFile(self.audit_path, [Problem(self.audit_path, line, message)])
                    for line, message in bad]
        problems += [InvalidFile(p.path, [p]) for p in verified.problems]
        if case_id is not None:
            entries = [e for e in entries if e.case.upper() == case_id]
        return Found(entries, problems=problems)

    def verify(self) -> Verified:
        """`lscp verify`: the audit log's hash chain link by link, each case file's stamp
        (a deleted tail), and each case file against what its last audit line says it became."""
        return self.audit_log.verify(self.case_paths())

    # -- changing cases --------------------------------------------------------------------
    def possible_duplicates(self, incident: NewIncident) -> list[tuple[str, str]]:
        """Cases that may already hold this incident (`intake.duplicate_reason`): (id, why)."""
        from lscp_cli.model.intake import duplicate_reason  # only new-incident needs intake

        cases, _ = self.load_all()
        return [(case.id, why) for case in cases
                if (why := duplicate_reason(incident, case.data)) is not None]

    def new_incident(self, incident: NewIncident, *, opened: date | None = None) -> Case:
        """Open a case (`lscp new-incident`): the next id of the year, a commented file."""
        from lscp_cli.model.intake import case_text

        opened = opened or today()
        return self.create_case(lambda case_id: case_text(case_id, incident, opened),
                                opened=opened, action="new-incident")

    def record(self, case_id: str, event: Event | str, when: date | None,
               options: EventOptions | None = None, **fields: Unpack[StepOptions]) -> Recorded:
        """Record a step in a case (`lscp record`), e.g. `casebook.record("LSCP-2025-001",
        Event.PANEL_NOTIFIED, date(2025, 1, 6), reference="SI-1")`.

        `fields` are `EventOptions` fields (`agencies=("West Yorkshire Police",)`). A date in
        the future is refused unless the event is a plan; nothing changes when the step is
        already recorded as given, and a different value needs `correct=True, reason=...`
        (guards.py: also closed cases, open actions at closing, impossible order). A plan
        moves with `reschedule=True`; `undo=True, reason=...` removes a step (`when`: None,
        or its date). Unusual steps (a meeting on a bank holiday, a late notification) are
        recorded with `warnings`.
        """
        # Imported here: what a change needs, a read-only command never loads.
        from lscp_cli.process.guards import guarded_apply
        from lscp_cli.process.step_checks import Checks

        options = options or EventOptions(**fields)
        if options.duplicate_of is not None:
            options.duplicate_of = self.other_case_id(options.duplicate_of, case_id)
        event, now = str(event), today()
        checks = Checks(self.calendar, self.rules, now)
        action = event + (" undone" if options.undo else
                          " rescheduled" if options.reschedule else "")
        case, changes = self.update(
            case_id, action,
            lambda document: guarded_apply(document, self.case_path(case_id).stem, event,
                                           when, options, checks))
        return Recorded.said_both_ways(case, changes, options.warnings)

    def set_detail(self, case_id: str, field: str, values: Sequence[str], *,
                   child: int | None = None, reason: str | None = None) -> Recorded:
        """A case's detail changed (`lscp set`: model/details.py), validated and audited."""
        from lscp_cli.model.details import change_detail

        change = change_detail(field, values, child, self.case_path(case_id).stem, reason)
        return Recorded(*self.update(case_id, "set", change), warnings=[])

    def edit(self, case_id: str) -> EditSession:
        """Begin editing a case file by hand (`lscp edit`); see `EditSession`."""
        from lscp_cli.storage.editing import EditSession

        return EditSession(self, case_id)
