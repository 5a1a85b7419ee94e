"""Rules and duties always come from the casebook's own ruleset (issue 16), never the shipped
defaults: a partnership's `[rules]` numbers, and a ruleset whose duties differ, show in every
place that reads rules: the stage (show, list, the board report), what is not needed, the
deadlines, what `record` refuses (duties, the steps a case needs) and what `check` reports.

The ruleset with other duties is fictional (no partnership may change the national duties in
lscp.toml): a script sets `casebook.rules`, which is what every part of lscp reads. Each check
below fails when that part reads `default_rules()` instead.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

import lscp_cli
from lscp_cli import Casebook
from lscp_cli.base.records import replace
from lscp_cli.errors import OrderRefused
from lscp_cli.process.ruleset import Rule, load_rules

LOCAL_WHY = "LOCAL RULE (fictional): serious harm goes to the local practice group instead"
NOTIFIED = "LSCP-2025-001"  # serious harm, the Panel notified on 6 January 2025
NEW_DEATH = "LSCP-2025-002"  # a death, nothing recorded yet


def with_not_when(rules: list[Rule], rule_id: str, field: str, value: str) -> list[Rule]:
    """`rules` with one more `not_when` on `rule_id`: `field` = `value` rules it out."""
    return [replace(rule, not_when=(*rule.not_when, (((field, value),), LOCAL_WHY)))
            if rule.id == rule_id else rule for rule in rules]


@pytest.fixture
def book(casebook_with: Callable[..., Path]) -> Casebook:
    """The fixture cases, with a ruleset in which serious harm needs no Rapid Review."""
    casebook = Casebook.locate(casebook_with("notified", "new-death"))
    casebook.rules = with_not_when(load_rules(), "rapid-review", "incident.type",
                                   "serious-harm")
    return casebook


AS_OF = date(2025, 1, 14)


def test_the_stage_and_what_is_not_needed_come_from_the_casebooks_rules(book: Casebook) -> None:
    view = book.show(NOTIFIED, AS_OF)
    assert view.stage == "notified (no Rapid Review)"  # progress.stage_of
    assert ("rapid-review", LOCAL_WHY) in [(rule, why) for rule, _, why in view.not_needed]
    assert "rapid-review" not in [d.milestone for d in view.deadlines]
    [row] = [r for r in book.list_cases(AS_OF) if r.id == NOTIFIED]
    assert row.stage == "notified (no Rapid Review)"
    assert "rapid-review" not in [(d.case, d.milestone) for d in book.deadlines(AS_OF)
                                  if d.case == NOTIFIED]
    [html] = book.board_report(AS_OF)
    row_html = html[html.index(f'data-case="{NOTIFIED}"'):]
    assert "notified (no Rapid Review)" in row_html[:row_html.index("</tr>")]


def test_record_refuses_a_step_the_casebooks_duties_exclude(book: Casebook) -> None:
    """duties.py, through `record`'s guards: the rule's own reason, nothing written."""
    before = book.case_path(NOTIFIED).read_bytes()
    with pytest.raises(OrderRefused, match="so 'rapid_review.meeting' is not recorded: LOCAL RULE"):
        book.record(NOTIFIED, "rag-meeting", date(2025, 1, 10))
    assert book.case_path(NOTIFIED).read_bytes() == before


def test_check_and_edit_report_a_step_the_casebooks_duties_exclude(book: Casebook) -> None:
    """order.py and duties.py, through storage's reading of each case (casecheck.py): `check`
    and `edit` name the rule's own reason."""
    path = book.case_path(NOTIFIED)
    text = path.read_text(encoding="utf-8") + "\n[rapid_review]\nmeeting = 2025-01-10\n"
    assert any("LOCAL RULE" in p.message for p in book.edit(NOTIFIED).problems(text))
    path.write_text(text, encoding="utf-8")  # by hand, outside lscp
    assert any("LOCAL RULE" in p.message and p.path == path for p in book.check().problems)
    assert any("LOCAL RULE" in w.message for w in book.load(NOTIFIED).warnings)


def test_a_step_is_needed_only_where_the_casebooks_rules_apply(
        casebook_with: Callable[..., Path]) -> None:
    """duty_applies: the Rapid Review follows the Panel notification only where the
    notification rule applies; under this ruleset a death is not notified to the Panel."""
    casebook = Casebook.locate(casebook_with("notified", "new-death"))
    casebook.rules = with_not_when(load_rules(), "panel-notification", "incident.type", "death")
    casebook.record(NEW_DEATH, "rag-meeting", date(2025, 1, 9))
    casebook.record(NEW_DEATH, "decision", date(2025, 1, 10), outcome="no-cspr")
    casebook.record(NEW_DEATH, "rapid-review-submitted", date(2025, 1, 13))
    assert casebook.load(NEW_DEATH).data["rapid_review"]["submitted"] == date(2025, 1, 13)
    needed = "the Rapid Review follows the Panel notification"
    assert not [p for p in casebook.check().problems if needed in p.message]
    shipped = Casebook.locate(casebook.root)  # the shipped rules: the notification is needed
    assert [p for p in shipped.check().problems if needed in p.message]


def test_a_partnerships_numbers_show_in_every_deadline(
        casebook_with: Callable[..., Path]) -> None:
    """`[rules] agency_return_days = 10`: show, deadlines and list give the same due date."""
    root = casebook_with("notified")
    settings = root / "lscp.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "[rules]", "[rules]\nagency_return_days = 10", 1), encoding="utf-8")
    casebook = Casebook.locate(root)
    due = date(2025, 1, 20)  # requested Monday 6 January: 10 working days on
    view = casebook.show(NOTIFIED, AS_OF)
    assert [d.due for d in view.deadlines if d.milestone == "agency-return"
            and d.met is None] == [due]
    assert [d.due for d in casebook.deadlines(AS_OF) if d.milestone == "agency-return"] == [due]


def test_the_cache_never_gives_a_case_read_under_other_rules(
        casebook_with: Callable[..., Path]) -> None:
    """A case cached under the shipped rules is read again under the casebook's own."""
    root = casebook_with("notified", "new-death")
    path = root / "cases" / f"{NOTIFIED}.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n[rapid_review]\nmeeting = 2025-01-10\n",
                    encoding="utf-8")
    cases, _ = Casebook.locate(root).load_all()  # cached, under the shipped rules
    assert not any("LOCAL RULE" in w.message for case in cases for w in case.warnings)
    local = Casebook.locate(root)
    local.rules = with_not_when(load_rules(), "rapid-review", "incident.type", "serious-harm")
    cases, _ = local.load_all()
    assert any("LOCAL RULE" in w.message for case in cases for w in case.warnings)


# Where the shipped rules may be read instead of the casebook's, and why. Anything else reads
# the casebook's ruleset (`Casebook.rules`), passed in.
SHIPPED_RULES_READ_BY = {
    "lscp_cli.process.ruleset.load_rules": "the base every casebook's ruleset is built on",
    "lscp_cli.process.ruleset.override_keys": "the [rules] keys a partnership may set",
    "lscp_cli.process.ruleset.case_milestones": "the milestone names a letter template uses "
                                                "(lscp's names; a partnership sets numbers)",
    "lscp_cli.process.ruleset.rules_met": "the registry's link of a step to the rule it meets",
    "lscp_cli.storage.casefiles.CaseFiles._reading_rules": "lscp.toml unreadable: `check` "
                                                           "names it and reads the cases still",
    "lscp_cli.drafts.context.rules_view": "the guidance's own number, beside the partnership's",
    "lscp_cli.cli.deadlines._help": "`lscp deadlines --help`: shown before any casebook is "
                                    "opened",
}


def _callers(node: ast.AST, where: list[str], found: set[str]) -> None:
    """Each function (dotted, in `where`) under `node` that calls `default_rules()`."""
    for child in ast.iter_child_nodes(node):
        inner = [*where, child.name] if isinstance(child, ast.FunctionDef | ast.ClassDef) else where
        if (isinstance(child, ast.Call) and isinstance(child.func, ast.Name)
                and child.func.id == "default_rules"):
            found.add(".".join(where))
        _callers(child, inner, found)


def _default_rules_callers() -> set[str]:
    src = Path(lscp_cli.__file__).parent
    found: set[str] = set()
    for path in src.rglob("*.py"):
        module = ".".join(["lscp_cli", *path.relative_to(src).with_suffix("").parts])
        _callers(ast.parse(path.read_text(encoding="utf-8")), [module], found)
    return found


def test_the_shipped_rules_are_read_only_where_no_casebook_ruleset_applies() -> None:
    assert _default_rules_callers() == set(SHIPPED_RULES_READ_BY)


def test_a_partnerships_shorter_notification_period_warns_and_shows_everywhere(
        casebook_with: Callable[..., Path]) -> None:
    """`[rules] panel_notification_days = 2`: a notification on the third working day is
    late (record's warning), and every listing gives the same due date."""
    root = casebook_with("notified", "new-death")
    settings = root / "lscp.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "[rules]", "[rules]\npanel_notification_days = 2", 1), encoding="utf-8")
    casebook = Casebook.locate(root)
    due = date(2025, 1, 10)  # aware Wednesday 8 January: 2 working days on
    as_of = date(2025, 1, 9)
    [row] = [r for r in casebook.list_cases(as_of) if r.id == NEW_DEATH]
    assert row.next_deadline is not None and row.next_deadline.due == due
    assert [d.due for d in casebook.deadlines(as_of, case=NEW_DEATH)
            if d.milestone == "panel-notification"] == [due]
    assert [d.due for d in casebook.calendar_feed(as_of, case=NEW_DEATH).deadlines
            if d.milestone == "panel-notification"] == [due]
    recorded = casebook.record(NEW_DEATH, "panel-notified", date(2025, 1, 13))
    assert any("is late" in w and "10 January 2025" in w for w in recorded.warnings)
