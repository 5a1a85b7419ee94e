"""Casebook I/O: the files of a casebook folder, read and written safely.

Reads use tomli/tomllib (reports read every case, so reading must be fast) and a cache of
parsed cases; updates go through tomlkit so the comments and layout an officer typed survive,
under a per-case lock, validated before an atomic replace, keeping a Windows editor's
byte-order mark and CRLF line ends. Ids are allocated under a lock. Every change is appended
to `audit.log`. `Casebook` (casebook.py) builds the library API on this.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Callable
from datetime import date
from functools import cached_property
from pathlib import Path
from stat import S_ISLNK
from typing import TYPE_CHECKING, Any, Protocol

from lscp_cli.base import fileguard, tomlread
from lscp_cli.base.audit import Change, diff_data
from lscp_cli.base.portable import TextStyle
from lscp_cli.base.safefile import atomic_write, locked, private_dir, read_file, share_with_group
from lscp_cli.errors import (
    CasebookError,
    CaseNotFound,
    ConcurrentEdit,
    InvalidCaseFile,
    InvalidCaseId,
    InvalidEvent,
    InvalidFile,
    InvalidIncident,
    LscpError,
    Problem,
    said,
)
from lscp_cli.model.case import Case
from lscp_cli.process.casecheck import parse_case
from lscp_cli.process.ruleset import Rule, default_rules, load_rules
from lscp_cli.process.settings import DEFAULT_SETTINGS_TOML, Settings, load_settings
from lscp_cli.storage.casecache import CaseCache

if TYPE_CHECKING:
    import tomlkit

    from lscp_cli.storage.auditlog import AuditLog

SETTINGS_FILE = "lscp.toml"
CASE_ID = re.compile(r"^([A-Za-z][A-Za-z0-9]{0,11})-(\d{4})-(\d{3,6})$")
SHORT_CASE_ID = re.compile(r"^(\d{4})-(\d{1,6})$")


def default_dir() -> Path:
    return Path.home() / "lscp"


class DraftFile(Protocol):
    """What the casebook needs of a rendered draft (`lscp_cli.drafts.Draft`) to file it.

    A protocol, not an import: letters are built on the casebook, never the other way round.
    """

    @property
    def template(self) -> str: ...
    @property
    def fmt(self) -> str: ...
    @property
    def content(self) -> bytes: ...
    @property
    def case_id(self) -> str | None: ...
    @property
    def file_name(self) -> str: ...


class CaseFiles:
    """The files of a casebook folder (DESIGN.md section 2); `Casebook` is the API over it."""

    def __init__(self, root: Path, *, is_default: bool = False) -> None:
        self.root = root
        self.is_default = is_default

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

    def draft_path(self, case_id: str, file_name: str) -> Path:
        """Where a draft goes by default: drafts/ID/FILE_NAME (`Draft.file_name`)."""
        return self.drafts_dir(case_id) / file_name

    def write_draft(
        self, draft: DraftFile, path: Path | None = None, *, overwrite: bool = False
    ) -> Path:
        """Write `draft` to `path`, else to its default place, owner-only (0600) in an
        owner-only folder; an existing file is replaced only when `overwrite` is asked."""
        if path is None:
            if draft.case_id is None:
                raise CasebookError("the draft has no case id; give the file to write it to")
            path = self.draft_path(draft.case_id, draft.file_name)
            if not fileguard.inside(path.parent, self.root):
                raise CasebookError(
                    f"{path.parent} is a link to a folder outside the casebook; lscp does not "
                    "write drafts through it: replace the link with a folder, or give the file "
                    "to write " + said("with -o FILE", "as `path`"))
        atomic_write(path, draft.content, overwrite=overwrite)
        return path

    @cached_property
    def settings(self) -> Settings:
        settings = load_settings(self.settings_path)
        share_with_group(settings.shared)  # every file written from here on
        return settings

    @cached_property
    def rules(self) -> list[Rule]:
        """The deadline rules with this partnership's `[rules]` numbers (a bad one: its line).

        Every part of lscp reads these, never the shipped defaults: deadlines, the duties and
        the steps a case needs (what `record` refuses, what `check` reports), stages and
        letters. A script may set its own (`casebook.rules = [...]`) before asking."""
        return load_rules(self.settings)

    def _reading_rules(self) -> list[Rule]:
        """The rules each case is read under (its duties, the steps it needs)."""
        try:
            return self.rules
        except InvalidFile:
            # lscp.toml is unreadable or its [rules] are wrong: `lscp check` names the line,
            # and still checks each case against the shipped rules (whose duties and order a
            # partnership's numbers never change) rather than checking none.
            return list(default_rules())

    def parse(self, text: str, path: Path, *, expected_id: str | None = None) -> Case:
        """Case-file text parsed and validated under this casebook's rules (casecheck.py)."""
        return parse_case(text, path, expected_id=expected_id, rules=self._reading_rules())

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

    def other_case_id(self, other: str, case_id: str) -> str:
        """The id of another case in this casebook (`withdrawn --duplicate-of ID`)."""
        other_id = self.normalise_id(other)
        if other_id == self.normalise_id(case_id):
            raise InvalidEvent(said("--duplicate-of", "duplicate_of")
                               + f" names the case itself ({other_id}); give the "
                               "id of the case that already holds this incident")
        if not self.case_path(other_id).is_file():
            raise CaseNotFound(said(f"--duplicate-of {other_id}", f"duplicate_of={other_id!r}")
                               + ": there is no such case; "
                               "`lscp list` shows the ids")
        return other_id

    def case_path(self, case_id: str) -> Path:
        return self.cases_dir / f"{self.normalise_id(case_id)}.toml"

    def case_paths(self) -> list[Path]:
        if not self.cases_dir.is_dir():
            return []
        # By name as the system compares them (what sorting the paths gives, without
        # pathlib's slower comparisons: 10,000 cases take 120,000 of them).
        return sorted(
            (p for p in self.cases_dir.iterdir()
             if p.suffix == ".toml" and not p.name.startswith(".")),
            key=lambda p: os.path.normcase(p.name),
        )

    # -- reading ---------------------------------------------------------------------------
    def load(self, case_id: str) -> Case:
        path = self.case_path(case_id)
        return self._load_path(path, missing_hint=True)

    def _load_path(self, path: Path, *, missing_hint: bool = False) -> Case:
        return self._parse(path, self._read(path, missing_hint=missing_hint))

    def _read(self, path: Path, *, missing_hint: bool = False) -> bytes:
        try:
            return fileguard.read_regular(path, self.root, limit=fileguard.MAX_CASE_BYTES)
        except FileNotFoundError:
            hint = "; `lscp list` shows the cases there are" if missing_hint else ""
            raise CaseNotFound(f"no case {path.stem} in {self.cases_dir}{hint}") from None
        except OSError as exc:
            message = fileguard.refusal(exc) or f"cannot be read ({exc.strerror})"
            raise InvalidCaseFile(path, [Problem(path, None, message)]) from None

    def _parse(self, path: Path, raw: bytes) -> Case:
        return self.parse(decode(raw, path), path, expected_id=path.stem)

    def load_all(self, *, use_cache: bool = True) -> tuple[list[Case], list[InvalidFile]]:
        """Every case that reads cleanly, and an error for each that does not.

        Cases that have not changed since the last run come from a cache (casecache.py: in
        the officer's own cache folder, sealed, keyed to each file's bytes and to what decides
        validity): parsing 500 TOML files takes longer than the 0.3 s a command may take, so
        only changed files are parsed again. `use_cache=False` reads every file itself
        (`lscp check`: the files are the truth, never the cache).
        """
        cache = self._cache() if use_cache else None
        cases: list[Case] = []
        errors: list[InvalidFile] = []
        if self.cases_dir.is_symlink() and not fileguard.inside(self.cases_dir, self.root):
            return [], [InvalidFile(self.cases_dir, [Problem(self.cases_dir, None,
                "is a link to a folder outside the casebook; lscp does not follow it: move "
                "the cases into the casebook's own cases/ folder")])]
        for path in self.case_paths():
            if not CASE_ID.match(path.stem):
                errors.append(InvalidFile(path, [Problem(path, None,
                    "is not named like a case id (LSCP-2025-001.toml); rename it or move it "
                    "out of cases/")]))
                continue
            try:
                stat = path.lstat()
                if (kind := fileguard.kind_problem(path, stat.st_mode, self.root)) is not None:
                    errors.append(InvalidCaseFile(path, [Problem(path, None, kind)]))
                    continue
                if S_ISLNK(stat.st_mode):  # (kind_problem has refused a link out)
                    stat = path.stat()
            except FileNotFoundError:
                continue  # deleted while we listed
            try:
                raw = self._read(path)
                cached = cache.get(path, stat, raw) if cache is not None else None
                if cached is not None:
                    cases.append(cached)
                    continue
                case = self._parse(path, raw)
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
                if cache is not None:
                    cache.put(path, stat, case, raw)
        if cache is not None:
            cache.save(keep={c.path.name for c in cases})
        return cases, errors

    def _cache(self) -> CaseCache:
        try:  # what the cases mean depends on it: a changed lscp.toml is a new cache
            settings = read_file(self.settings_path, limit=1 << 20)
        except OSError:
            settings = b""
        # The rules each case was read under, too: a script may set its own.
        return CaseCache(self.root, settings + repr(self._reading_rules()).encode())

    # -- writing ---------------------------------------------------------------------------
    def _lock_path(self, name: str) -> Path:
        return self.cases_dir / f".{name}.lock"

    def create_case(self, build: Callable[[str], str], *, opened: date, action: str) -> Case:
        """Allocate the next id for `opened`'s year and write the text `build(id)` returns."""
        prefix = self.settings.short_name
        # Validated in full before the counter moves: a refused incident uses up no id, and
        # the refusal names no file (none was written).
        probe = f"{prefix}-{opened.year}-001"
        try:
            self.parse(build(probe), Path(f"{probe}.toml"), expected_id=probe)
        except InvalidFile as exc:
            raise InvalidIncident(
                "the new incident was not created (nothing was written, no case id was "
                "used): " + "; ".join(p.template for p in exc.problems)) from None
        self.ensure()
        fileguard.check_writable_inside(self.cases_dir, self.root, "case files")
        with locked(self._lock_path("new-case"), "Creating a case"):
            fileguard.remove_stale_temp_files(self.cases_dir, self.root)
            counter = fileguard.IdCounter(self.cases_dir, self.audit_path, prefix, opened.year)
            case_id = f"{prefix}-{opened.year}-{counter.take():03d}"
            path = self.case_path(case_id)
            try:
                text = build(case_id)
                case = self.parse(text, path, expected_id=case_id)
                self._save_audited(path, case_id, action, diff_data({}, case.data),
                                   text.encode("utf-8"), overwrite=False)
            except BaseException:
                counter.give_back()  # no case was created: the id is not used up
                raise
        return case

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
        if not path.exists():  # a mistyped id: say so, and leave no lock file named after it
            self._read(path, missing_hint=True)
        fileguard.check_writable_inside(self.cases_dir, self.root, "case files")
        with locked(self._lock_path(case_id), f"Case {case_id}"):
            raw = self._read(path, missing_hint=True)
            current = self._parse(path, raw)  # must be valid to update
            text = decode(raw, path)
            try:
                document = tomlkit.parse(text)
            except ParseError as exc:  # tomllib accepted it; be safe anyway
                raise InvalidCaseFile(path, [Problem(path, exc.line, str(exc))]) from None
            changes = mutate(document)
            if not changes:
                return current, []
            new_text = tomlkit.dumps(document)
            updated = self.parse(new_text, path, expected_id=case_id)
            self._save_audited(path, case_id, action, changes,
                               TextStyle.of(raw).encode(new_text), expect=raw)
        return updated, changes

    def replace_text(self, case_id: str, new_text: str, *, expected_digest: str,
                     action: str = "edit") -> tuple[Case, list[Change]]:
        """Replace a case file with edited text, refused if it changed since it was read
        (`expected_digest` is `digest()` of the bytes read then). The file keeps its own
        byte-order mark and line ends, whatever the editor did with them."""
        path = self.case_path(case_id)
        case_id = path.stem
        new_text = normalise_text(new_text)
        updated = self.parse(new_text, path, expected_id=case_id)
        fileguard.check_writable_inside(self.cases_dir, self.root, "case files")
        with locked(self._lock_path(case_id), f"Case {case_id}"):
            try:
                raw = self._read(path)
            except CaseNotFound:
                raise CaseNotFound(f"case {case_id} was deleted while it was being edited"
                                   ) from None
            if digest(raw) != expected_digest:
                raise ConcurrentEdit(
                    f"{path} changed while you were editing it (another officer or lscp "
                    "command saved it); your edit was not applied"
                )
            try:
                old_data = tomlread.loads(decode(raw, path))
            except (ValueError, InvalidFile):  # the edit repairs a broken file
                old_data = {}
            changes = diff_data(old_data, updated.data)
            content = TextStyle.of(raw).encode(new_text)
            changes += self.audit_log.unrecorded(case_id, raw, content, bool(changes))
            self._save_audited(path, case_id, action, changes, content, expect=raw)
        return updated, changes

    @cached_property
    def audit_log(self) -> AuditLog:
        # Imported here: only writes, `log`, `verify` and `check` need the chain.
        from lscp_cli.storage.auditlog import AuditLog

        return AuditLog(self.root)

    def _save_audited(self, path: Path, case_id: str, action: str, changes: list[Change],
                      content: bytes, **write: Any) -> None:
        """Write `content` to `path` with its audit lines first (`AuditLog.recording`) and the
        stamp of the last of them at its end; without changes, nothing is written."""
        if not changes:
            return
        with self.audit_log.recording(case_id, action, changes, content) as stamped:
            assert stamped is not None  # noqa: S101  (content given: always stamped)
            atomic_write(path, stamped, **write)

    def init(self) -> list[Path]:
        """Create the folders and a commented lscp.toml; return what was created."""
        created: list[Path] = []
        if self.settings_path.is_file():  # a team's lscp.toml put there first: its sharing
            with contextlib.suppress(LscpError):  # (a broken one is said by the caller)
                _ = self.settings
        for folder in (self.root, self.cases_dir, self.templates_dir, self.root / "drafts"):
            if not folder.exists():
                private_dir(folder)
                created.append(folder)
        if not self.settings_path.exists():
            atomic_write(self.settings_path, DEFAULT_SETTINGS_TOML.encode(), overwrite=False)
            created.append(self.settings_path)
        return created


def digest(content: bytes | str) -> str:
    """A fingerprint of a file's content, to see whether it changed meanwhile."""
    raw = content.encode("utf-8") if isinstance(content, str) else content
    return hashlib.sha256(raw).hexdigest()


def normalise_text(text: str) -> str:
    """Case-file text as lscp handles it: no byte-order mark, `\n` line ends."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def decode(raw: bytes, path: Path) -> str:
    """A case file's bytes as text (see `normalise_text`); not UTF-8 is a named problem."""
    try:
        return TextStyle.decode(raw)
    except UnicodeDecodeError:
        raise InvalidCaseFile(path, [Problem(path, None, (
            "is not UTF-8 text (an older Notepad saves as ANSI); in Notepad use File > Save "
            "As and choose Encoding: UTF-8"))]) from None
