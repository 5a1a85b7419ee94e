"""The casebook: lscp as a library. The `lscp` commands are a thin layer over this class.

    from lscp_cli import Casebook
    casebook = Casebook.locate()          # --dir / $LSCP_DIR / nearest lscp.toml / ~/lscp
    for row in casebook.deadlines(as_of=date(2025, 1, 14)):
        print(row.case, row.label, row.due, row.status)

It finds the folder, reads and writes case files safely, allocates ids and keeps the audit log.
Reads use tomli/tomllib (reports read every case, so reading must be fast); updates go through
tomlkit so the comments and layout an officer typed survive, under a per-case lock, and are
validated before an atomic replace. Every change is appended to `audit.log`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from lscp_cli.audit import Change, diff_data, jsonable
from lscp_cli.case import Case, parse_case, timeline
from lscp_cli.dates import today
from lscp_cli.errors import (
    CasebookError,
    CaseNotFound,
    InvalidCaseFile,
    InvalidCaseId,
    InvalidFile,
    Problem,
)
from lscp_cli.portable import TextStyle, user_name
from lscp_cli.reports.calendar_feed import feed_deadlines, render_ics
from lscp_cli.rules import Deadline, Rule, case_deadlines, load_rules, select_deadlines
from lscp_cli.safefile import append_line, atomic_write, locked, private_dir
from lscp_cli.settings import DEFAULT_SETTINGS_TOML, Settings, load_settings
from lscp_cli.workdays import WorkCalendar

if TYPE_CHECKING:
    import tomlkit

SETTINGS_FILE = "lscp.toml"
CACHE_FILE = ".lscp-cache"
CASE_ID = re.compile(r"^([A-Za-z][A-Za-z0-9]{0,11})-(\d{4})-(\d{3,6})$")
SHORT_CASE_ID = re.compile(r"^(\d{4})-(\d{1,6})$")


T = TypeVar("T")


def default_dir() -> Path:
    return Path.home() / "lscp"


class Found(list[T]):
    """Rows gathered across the casebook, plus the case files that could not be read.

    A list, so a script iterates it (and compares it) like one. `problems` names each bad
    file: one bad case file never hides the others, and is never silently dropped either.
    `cases` holds the cases the rows came from, by id.
    """

    def __init__(self, rows: Iterable[T] = (), *, problems: Iterable[InvalidFile] = (),
                 cases: Iterable[Case] = ()) -> None:
        super().__init__(rows)
        self.problems = list(problems)
        self.cases = {case.id: case for case in cases}


@dataclass(frozen=True)
class CaseSummary:
    """One line of `lscp list`: a case, its stage and its next deadline."""

    id: str
    opened: date | None
    children: list[str]
    type: str | None
    stage: str
    next_deadline: Deadline | None
    closed: date | None


@dataclass(frozen=True)
class CaseView:
    """What `lscp show` shows: the case, what happened when, every deadline with its status."""

    case: Case
    stage: str
    timeline: list[tuple[date, str]]
    deadlines: list[Deadline]


@dataclass(frozen=True)
class CalendarFeed:
    """`lscp deadlines --format ics`: the file, what it carries, and the files not read."""

    ics: bytes
    deadlines: list[Deadline]
    cancelled: set[str]  # keys of the deadlines exported as cancelled
    problems: list[InvalidFile]


class Casebook:
    """A casebook folder (DESIGN.md section 2)."""

    def __init__(self, root: Path, *, is_default: bool = False) -> None:
        self.root = root
        self.is_default = is_default

    # -- finding ---------------------------------------------------------------------------
    @classmethod
    def locate(cls, path: Path | str | None = None, *, cwd: Path | None = None,
               must_exist: bool = True) -> Casebook:
        """`path` (`--dir`), else `$LSCP_DIR`, else the nearest folder up holding lscp.toml,
        else ~/lscp. `must_exist=False` is for `init`, which may create the folder named."""
        if path is not None:
            return cls._explicit(Path(path).expanduser(), "--dir", must_exist)
        env = os.environ.get("LSCP_DIR")
        if env:
            return cls._explicit(Path(env).expanduser(), "LSCP_DIR", must_exist)
        here = (cwd or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / SETTINGS_FILE).is_file():
                return cls(folder)
        return cls(default_dir(), is_default=True)

    @classmethod
    def _explicit(cls, path: Path, source: str, must_exist: bool) -> Casebook:
        if path.exists() and not path.is_dir():
            raise CasebookError(f"{path} (from {source}) is a file, not a casebook folder")
        if must_exist and not path.exists():
            raise CasebookError(
                f"no casebook at {path} (from {source}); create it with `lscp init {path}` "
                "or check the path"
            )
        return cls(path)

    # -- layout ----------------------------------------------------------------------------
    @property
    def settings_path(self) -> Path:
        return self.root / SETTINGS_FILE

    @property
    def cases_dir(self) -> Path:
        return self.root / "cases"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def audit_path(self) -> Path:
        return self.root / "audit.log"

    def drafts_dir(self, case_id: str) -> Path:
        return self.root / "drafts" / self.normalise_id(case_id)

    @cached_property
    def settings(self) -> Settings:
        return load_settings(self.settings_path)

    @cached_property
    def calendar(self) -> WorkCalendar:
        return self.settings.calendar.work_calendar()

    @cached_property
    def rules(self) -> list[Rule]:
        """The deadline rules with this partnership's `[rules]` numbers (a bad one: its line)."""
        return load_rules(self.settings)

    def ensure(self) -> None:
        """Create the casebook on first write (the per-user default needs no set-up)."""
        private_dir(self.cases_dir)
        if not self.settings_path.exists():
            try:
                atomic_write(self.settings_path, DEFAULT_SETTINGS_TOML.encode(), overwrite=False)
            except FileExistsError:
                pass
            except CasebookError:
                pass

    # -- ids -------------------------------------------------------------------------------
    def normalise_id(self, text: str) -> str:
        """A case id from the command line, checked so no path escapes `cases/`."""
        candidate = text.strip()
        if short := SHORT_CASE_ID.match(candidate):
            candidate = f"{self.settings.short_name}-{short.group(1)}-{int(short.group(2)):03d}"
        match = CASE_ID.match(candidate)
        if not match:
            raise InvalidCaseId(
                f"{text!r} is not a case id; ids look like {self.settings.short_name}-2025-001 "
                "(`lscp list` shows them)"
            )
        return f"{match.group(1).upper()}-{match.group(2)}-{match.group(3)}"

    def case_path(self, case_id: str) -> Path:
        return self.cases_dir / f"{self.normalise_id(case_id)}.toml"

    def case_paths(self) -> list[Path]:
        if not self.cases_dir.is_dir():
            return []
        return sorted(
            p for p in self.cases_dir.iterdir()
            if p.suffix == ".toml" and not p.name.startswith(".")
        )

    # -- reading ---------------------------------------------------------------------------
    def load(self, case_id: str) -> Case:
        path = self.case_path(case_id)
        return self._load_path(path, missing_hint=True)

    def _load_path(self, path: Path, *, missing_hint: bool = False) -> Case:
        return self._parse(path, self._read(path, missing_hint=missing_hint))

    def _read(self, path: Path, *, missing_hint: bool = False) -> bytes:
        try:
            return path.read_bytes()
        except FileNotFoundError:
            hint = "; `lscp list` shows the cases there are" if missing_hint else ""
            raise CaseNotFound(f"no case {path.stem} in {self.cases_dir}{hint}") from None
        except OSError as exc:
            raise InvalidCaseFile(
                path, [Problem(path, None, f"cannot be read ({exc.strerror})")]
            ) from None

    @staticmethod
    def _parse(path: Path, raw: bytes) -> Case:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidCaseFile(
                path, [Problem(path, None, "is not UTF-8 text; save it as UTF-8")]
            ) from None
        return parse_case(text.replace("\r\n", "\n"), path, expected_id=path.stem)

    def load_all(self) -> tuple[list[Case], list[InvalidFile]]:
        """Every case that reads cleanly, and an error for each that does not.

        Cases that have not changed since the last run come from a cache (`.lscp-cache`,
        owner-only, beside the cases): parsing 500 TOML files takes longer than the 0.3 s a
        command may take, so only changed files are parsed again.
        """
        from lscp_cli.casecache import CaseCache

        cache = CaseCache(self.root / CACHE_FILE)
        cases: list[Case] = []
        errors: list[InvalidFile] = []
        for path in self.case_paths():
            if not CASE_ID.match(path.stem):
                errors.append(InvalidFile(path, [Problem(path, None,
                    "is not named like a case id (LSCP-2025-001.toml); rename it or move it "
                    "out of cases/")]))
                continue
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue  # deleted while we listed
            cached = cache.get(path, stat)
            if cached is not None:
                cases.append(cached)
                continue
            try:
                case = self._load_path(path)
            except InvalidFile as exc:
                errors.append(exc)
            except CaseNotFound:
                continue
            except Exception as exc:  # one unreadable case never hides the rest
                errors.append(InvalidCaseFile(path, [Problem(path, None,
                    f"could not be read ({type(exc).__name__}); open it with `lscp edit` "
                    "and look for unusual nesting or characters")]))
            else:
                cases.append(case)
                cache.put(path, stat, case)
        cache.save(keep={c.path.name for c in cases})
        return cases, errors

    # -- looking at cases -------------------------------------------------------------------
    def list_cases(self, as_of: date | None = None, *, open_only: bool = False
                   ) -> Found[CaseSummary]:
        """Every case with its stage and next deadline (`lscp list`), in id order."""
        as_of = as_of or today()
        cases, problems = self.load_all()
        if open_only:
            cases = [c for c in cases if c.is_open]
        rows = []
        for case in cases:
            upcoming = self.next_deadlines(case, as_of)
            rows.append(CaseSummary(
                id=case.id,
                opened=case.data.get("opened"),
                children=case.children_initials,
                type=case.data.get("incident", {}).get("type"),
                stage=case.stage,
                next_deadline=upcoming[0] if upcoming else None,
                closed=case.data.get("closed"),
            ))
        return Found(rows, problems=problems, cases=cases)

    def show(self, case_id: str, as_of: date | None = None) -> CaseView:
        """One case (`lscp show`): its facts, timeline and every deadline, met or not."""
        case = self.load(case_id)
        return CaseView(case=case, stage=case.stage, timeline=timeline(case.data),
                        deadlines=self.case_deadlines(case, as_of))

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
        cases, problems = self._cases(case)
        rows = select_deadlines([c.data for c in cases], self.calendar, self.rules, as_of,
                                include_met=include_met, overdue_only=overdue_only,
                                within=within)
        return Found(rows, problems=problems, cases=cases)

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
        as_of = as_of or today()
        cases, problems = self._cases(case)
        rows, cancelled = feed_deadlines([c.data for c in cases], self.calendar, self.rules,
                                         as_of, overdue_only=overdue_only, within=within)
        ics = render_ics(rows, self.settings.name, self.calendar,
                         reminder_working_days=self.settings.calendar.reminder_working_days,
                         cancelled=lambda deadline: deadline.key in cancelled)
        return CalendarFeed(ics=ics, deadlines=rows, cancelled=cancelled, problems=problems)

    def _cases(self, case: str | None) -> tuple[list[Case], list[InvalidFile]]:
        """One case (an unknown id raises `CaseNotFound`), or every case and the bad files."""
        if case is not None:
            return [self.load(case)], []
        return self.load_all()

    def case_deadlines(self, case: Case, as_of: date | None = None) -> list[Deadline]:
        """Every deadline of one case, met or not, in rule order."""
        return case_deadlines(case.data, self.calendar, self.rules, as_of or today())

    def next_deadlines(self, case: Case | str, as_of: date | None = None) -> list[Deadline]:
        """A case's unmet deadlines, soonest first; none once the case is closed."""
        if isinstance(case, str):
            case = self.load(case)
        if not case.is_open:
            return []
        found = case_deadlines(case.data, self.calendar, self.rules, as_of or today(),
                               unmet_only=True)
        return sorted(found, key=lambda d: (d.due, d.milestone))

    # -- writing ---------------------------------------------------------------------------
    def _lock_path(self, name: str) -> Path:
        return self.cases_dir / f".{name}.lock"

    def create_case(self, build: Callable[[str], str], *, opened: date, action: str) -> Case:
        """Allocate the next id for `opened`'s year and write the text `build(id)` returns."""
        self.ensure()
        prefix = self.settings.short_name
        with locked(self._lock_path("new-case"), "Creating a case"):
            case_id = self._next_id(prefix, opened.year)
            path = self.case_path(case_id)
            text = build(case_id)
            case = parse_case(text, path, expected_id=case_id)
            atomic_write(path, text.encode("utf-8"), overwrite=False)
        self.audit(case_id, action, diff_data({}, case.data))
        return case

    def _next_id(self, prefix: str, year: int) -> str:
        highest = 0
        pattern = re.compile(rf"^{re.escape(prefix)}-{year}-(\d+)\.toml$", re.IGNORECASE)
        for path in self.cases_dir.iterdir():
            if m := pattern.match(path.name):
                highest = max(highest, int(m.group(1)))
        return f"{prefix}-{year}-{highest + 1:03d}"

    def update(
        self,
        case_id: str,
        action: str,
        mutate: Callable[[tomlkit.TOMLDocument], list[Change]],
    ) -> tuple[Case, list[Change]]:
        """Apply `mutate` to the case under its lock, keeping the officer's comments."""
        import tomlkit
        from tomlkit.exceptions import ParseError

        path = self.case_path(case_id)
        case_id = path.stem
        with locked(self._lock_path(case_id), f"Case {case_id}"):
            raw = self._read(path, missing_hint=True)
            current = self._parse(path, raw)  # must be valid to update
            # Keep a Windows editor's byte-order mark and CRLF line ends as they were.
            style = TextStyle.of(raw)
            text = style.decode(raw)
            try:
                document = tomlkit.parse(text)
            except ParseError as exc:  # tomllib accepted it; be safe anyway
                raise InvalidCaseFile(path, [Problem(path, exc.line, str(exc))]) from None
            changes = mutate(document)
            if not changes:
                return current, []
            new_text = tomlkit.dumps(document)
            updated = parse_case(new_text, path, expected_id=case_id)
            atomic_write(path, style.encode(new_text), expect=raw)
        self.audit(case_id, action, changes)
        return updated, changes

    def replace_text(self, case_id: str, new_text: str, *, expected_digest: str,
                     action: str = "edit", style: TextStyle | None = None,
                     ) -> tuple[Case, list[Change]]:
        """Replace a case file with edited text, refused if it changed since it was read.

        `expected_digest` is `digest()` of the text as it was read (`TextStyle.decode`); the
        file is written in `style` (byte-order mark, CRLF), by default the one it has now.
        """
        path = self.case_path(case_id)
        case_id = path.stem
        updated = parse_case(new_text, path, expected_id=case_id)
        with locked(self._lock_path(case_id), f"Case {case_id}"):
            try:
                raw = path.read_bytes()
                old_text = TextStyle.decode(raw)
            except FileNotFoundError:
                raise CaseNotFound(f"case {case_id} was deleted while it was being edited"
                                   ) from None
            if digest(old_text) != expected_digest:
                from lscp_cli.errors import ConcurrentEdit

                raise ConcurrentEdit(
                    f"{path} changed while you were editing it (another officer or lscp "
                    "command saved it); your edit was not applied"
                )
            try:
                from lscp_cli import tomlread

                old_data = tomlread.loads(old_text)
            except ValueError:
                old_data = {}
            atomic_write(path, (style or TextStyle.of(raw)).encode(new_text), expect=raw)
        changes = diff_data(old_data, updated.data)
        self.audit(case_id, action, changes)
        return updated, changes

    def audit(self, case_id: str, action: str, changes: list[Change]) -> None:
        """Append one JSON line per change: time, OS user, case, action, field, old, new."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        user = user_name()
        lines = [
            json.dumps(
                {
                    "time": now,
                    "user": user,
                    "case": case_id,
                    "action": action,
                    "field": change.field,
                    "old": jsonable(change.old),
                    "new": jsonable(change.new),
                },
                ensure_ascii=False,
            )
            for change in changes
        ]
        with locked(self.root / ".audit.lock", "The audit log"):
            for line in lines:
                append_line(self.audit_path, line)

    def init(self) -> list[Path]:
        """Create the folders and a commented lscp.toml; return what was created."""
        created: list[Path] = []
        for folder in (self.root, self.cases_dir, self.templates_dir, self.root / "drafts"):
            if not folder.exists():
                private_dir(folder)
                created.append(folder)
        if not self.settings_path.exists():
            atomic_write(self.settings_path, DEFAULT_SETTINGS_TOML.encode(), overwrite=False)
            created.append(self.settings_path)
        return created


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()



