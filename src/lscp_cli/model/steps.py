"""The steps of a case, declared once: what `lscp record` takes and every part of lscp reads.

Each statutory (or local) step an officer records is one member of `Event`, in process order:
`PANEL_NOTIFIED = Step("panel-notified", ...)`. Scripts name steps by the enum (typed);
`STEPS` lists the `Step`s. From these entries, and nowhere else:
- `lscp record`'s events, their options and help (model/events.py, cli/changes.py), and the
  README's event table (step_tables.py `describe_steps`);
- the order checks `record` and `check` share (process/order.py): `after` (hard: refused;
  soft: `refuse=False`, a warning) and `needs` (a step that must be recorded first);
- the steps a case's duties exclude (process/duties.py): `excluded_with`;
- the point-in-time view (process/asof.py): which dates are steps, which fields go with them;
- the timeline, planned steps and wording (process/progress.py): `past`, `planned`, `label`;
- the stage a case is at (progress.py `stage_of`): `awaiting`, `reached`, `stage_when`, `ends`;
- the warnings of an unusual step (process/step_checks.py): `working_day`, `late_against`;
- the rules a step meets (process/ruleset.py `rules_met`: a rule whose `meets` names its field);
- the fields a case file may hold for them (model/casefields.py).
Deadlines stay in process/rules.toml: a rule's `base` or `meets` names the field a step sets.
What the entries add up to (the order rules, the point-in-time tables, the duty exclusions,
the planned steps, the event table) is worked out in model/step_tables.py. This module is pure
data (it imports only base/records.py), so every layer may read it.

How to add a step (e.g. "the Panel asks for further information"):
1. Add a member to `Event` below where it falls in the process, `NAME = Step(...)` (NAME is
   the event name in capitals, `-` as `_`): its event name, a summary for
   `lscp record --help`, the field its date goes in (`date`), the fields its options fill
   (`sets`, option name -> field), its timeline wording (`past`) and short `label`, the
   steps it must follow (`after`, `needs`), and its stage words if any (`awaiting`,
   `reached`). A step that only sets its date and its options' values needs no code:
   model/events.py applies it, and casefields.py learns its fields (a date; text, a date
   or a choice by the option's kind). One that needs more names a function in
   model/events.py's `APPLY`. A new option goes in model/event_options.py. `lscp log` names
   its fields in its `label`'s words (model/fieldlabels.py). Its new fields also get one line
   each in model/schema.py's TypedDict for their table: that is static typing for mypy, which
   no registry can feed at run time; tests/test_schema.py names any field missing there.
2. If it has a deadline, add a `[[rule]]` to process/rules.toml: its `base` or `meets`
   names the step's field.
3. Tests: a row in tests/test_events.py `EVERY_EVENT` (and tests/test_steps.py `LINES` if it
   has a timeline line), and what is particular to it.
Field paths: "table.key", a top-level "key", or "list[].key" for a field of one entry of a
`[[list]]` (the entry named by --agency or --action).
"""

from __future__ import annotations

from enum import Enum
from functools import cache

from lscp_cli.base.records import dataclass

AWARE = "incident.aware"  # not a step: the fact every deadline counts from
OUTCOMES = ("cspr", "no-cspr", "other-review")  # a RAG recommendation's, a decision's


@dataclass(frozen=True)
class After:
    """This step may not be dated before `earlier` (a step's name, or a fact's field).

    `rule` says it in words for the message; `refuse=False` makes it a warning (possible,
    but probably a typo); `field` is the field checked, when not this step's date.
    """

    earlier: str
    rule: str
    refuse: bool = True
    field: str | None = None


@dataclass(frozen=True)
class Needs:
    """`step` must be recorded before this one (refused otherwise).

    `where_rule`: only where that deadline rule applies to the case (its duties), e.g. the
    Panel notification, which a care leaver's death does not take.
    """

    step: str
    rule: str
    where_rule: str | None = None


@dataclass(frozen=True)
class Step:
    """One step an officer records: `lscp record ID <name> [DATE]`."""

    name: str
    summary: str  # what the step is, for `lscp record --help` and the README
    label: str  # a short noun: "RAG meeting" (upcoming steps, warnings)
    date: str | None  # the field its date goes in (None: the step records text only)
    sets: tuple[tuple[str, str], ...] = ()  # (option name, field) its options fill
    with_date: tuple[str, ...] = ()  # other fields that go with the step's date (asof, undo)
    options: tuple[str, ...] = ()  # options it takes besides those in `sets`
    past: str | None = None  # timeline wording: "{key}" fills from the step's table or entry
    extras: tuple[tuple[str, str], ...] = ()  # (field, " (reference {})"): added when set
    defaults: tuple[tuple[str, str], ...] = ()  # values for `past` when a key is missing
    planned: str | None = None  # timeline wording while dated ahead
    ahead: bool = False  # may be dated in the future (a plan), not a typo
    is_plan: bool = False  # DATE is the plan itself (never "done"), so it must be given
    repeats: bool = False  # the date field is a list of dates; each record adds one
    marker: str | None = None  # the field saying it is recorded, when not its date
    after: tuple[After, ...] = ()
    needs: tuple[Needs, ...] = ()
    excluded_with: str | None = None  # the rule whose `not_when` rules this step out too
    only_for: tuple[tuple[str, str], ...] = ()  # facts it is only for; refused otherwise
    only_for_why: str = ""  # the refusal when `only_for` does not hold
    working_day: bool = False  # a meeting or letter: a weekend or bank holiday is warned
    late_against: str | None = None  # warn when dated after this rule's due date
    late_reason: str | None = None  # where --note goes when the step is late
    # The stage (progress.py `stage_of`). A step with `awaiting` is a milestone: until it (or
    # another with the same words) is recorded, the case is at `awaiting`, or at the `reached`
    # of the last step recorded since the milestone before. `stage_when`: a milestone only
    # for the cases these facts hold for. `ends`: while recorded, the stage whatever else.
    awaiting: str | None = None
    reached: str | None = None
    stage_when: tuple[tuple[str, str], ...] = ()
    ends: str | None = None

    @property
    def options_taken(self) -> tuple[str, ...]:
        """Every option the step takes, in the order its help lists them."""
        return (*(option for option, _ in self.sets), *self.options)

    @property
    def help(self) -> str:
        """The summary and its options: `information requested (--agency, --due)`."""
        taken = self.options_taken
        if not taken:
            return self.summary
        return f"{self.summary} ({', '.join('--' + name for name in taken)})"

    @property
    def fields(self) -> tuple[str, ...]:
        """Every field the step writes: its date, what its options fill, what goes with it."""
        own = (self.date,) if self.date else ()
        return tuple(dict.fromkeys((*own, *(f for _, f in self.sets), *self.with_date)))

    @property
    def recorded_by(self) -> str | None:
        """The field whose presence says the step is recorded."""
        return self.marker or self.date or next((f for _, f in self.sets), None)


def _notification_order(who: str) -> After:
    return After(AWARE, f"{who} cannot be notified before the local authority became aware")


_REFERENCE = (("reference", "notification.panel_reference"),)
_ELSEWHERE = "elsewhere-in-england"  # incident.in_area: that English authority notifies
_DECIDING = "Rapid Review: awaiting Executive decision"
_CSPR_DECIDED = (("rapid_review.decision", "cspr"),)
_CSPR_UNDER_WAY = "CSPR: in progress"

class Event(Enum):
    """The steps, by name: `Event.PANEL_NOTIFIED`; `Event("panel-notified")` finds one too.

    Each member is one step's whole declaration (`.step`); `str()` gives its event name.
    """

    PANEL_NOTIFIED = Step(
        "panel-notified", "National Panel notified", "Panel notification",
        "notification.panel", sets=_REFERENCE, with_date=("notification.late_reason",),
        past="National Panel notified", extras=(("panel_reference", " (reference {})"),),
        after=(_notification_order("the Panel"),), late_against="panel-notification",
        late_reason="notification.late_reason", awaiting="awaiting Panel notification",
        reached="notified")
    OTHER_AUTHORITY_NOTIFIED = Step(
        "other-authority-notified", "the Panel notified by the English authority where it "
        "happened", "Panel notification", "notification.other_authority_notified",
        sets=(("authority", "notification.other_authority"),
              ("reference", "notification.other_authority_reference")),
        past="National Panel notified", extras=(("other_authority", " by {}"), (
            "other_authority_reference", " (their reference {})")),
        after=(_notification_order("the Panel"),), only_for=(("incident.in_area", _ELSEWHERE),),
        only_for_why=f"other-authority-notified is for a child of this area harmed elsewhere "
        f"in England: `lscp set ID in_area {_ELSEWHERE}` first",
        awaiting="awaiting Panel notification", reached="notified")
    CARE_LEAVER_NOTIFIED = Step(
        "care-leaver-notified", "care leaver's death: Secretary of State and Ofsted "
        "notified (online system)", "notification", "notification.panel", sets=_REFERENCE,
        with_date=("notification.late_reason",),
        past="Secretary of State and Ofsted notified (online system)",
        extras=(("panel_reference", " (reference {})"),),
        after=(_notification_order("the Panel"),),
        only_for=(("incident.type", "care-leaver-death"),),
        only_for_why="care-leaver-notified is for a care leaver's death (incident.type "
        "care-leaver-death); record a notification to the National Panel with "
        "panel-notified",
        late_against="care-leaver-notification", late_reason="notification.late_reason",
        awaiting="awaiting notification", reached="notified")
    PARTNERS_NOTIFIED = Step(
        "partners-notified", "safeguarding partners / Executive notified",
        "report to the partners", "notification.partners",
        past="Safeguarding partners notified", after=(_notification_order("the partners"),),
        excluded_with="partners-notification", working_day=True)
    AGENCY_REQUESTED = Step(
        "agency-requested", "information requested", "information request",
        "agencies[].requested", sets=(("agency", "agencies[].name"), ("due", "agencies[].due")),
        past="Information requested from {name}", working_day=True,
        after=(After(AWARE, "information cannot be requested before the local authority "
                     "became aware"),
               After("agency-requested", "an agency's return cannot be due before it was "
                     "requested", field="agencies[].due")))
    AGENCY_RETURNED = Step(
        "agency-returned", "agency information received", "agency return",
        "agencies[].received", options=("agency",), past="Information received from {name}",
        after=(After("agency-requested", "an agency's information cannot come back before "
                     "it was requested"),))
    RAG_MEETING = Step(
        "rag-meeting", "Review Advisory Group meeting (may be planned ahead)", "RAG meeting",
        "rapid_review.meeting", past="Review Advisory Group met",
        planned="Review Advisory Group meeting (planned)", ahead=True, working_day=True,
        excluded_with="rapid-review", reached=_DECIDING,
        after=(After(AWARE, "the RAG cannot meet about an incident before the local "
                     "authority became aware"),))
    RECOMMENDATION = Step(
        "recommendation", "RAG recommendation", "RAG recommendation", "rapid_review.meeting",
        sets=(("outcome", "rapid_review.recommendation"),),
        marker="rapid_review.recommendation", past="RAG recommendation: {recommendation}",
        excluded_with="rapid-review", working_day=True, reached=_DECIDING)
    DECISION = Step(
        "decision", "LSCP Executive decision (--text: its reasons, quoted to the Panel)",
        "Executive decision",
        "rapid_review.decision_date",
        sets=(("outcome", "rapid_review.decision"),
              ("national-review", "rapid_review.national_review"),
              ("text", "rapid_review.decision_reasons")),
        marker="rapid_review.decision", past="Executive decision: {decision}",
        extras=(("national_review", "; the partners think it may need a national review"),),
        excluded_with="rapid-review", working_day=True,
        reached="Rapid Review: decision made, to submit",
        after=(After(AWARE, "the Executive cannot decide before the local authority became "
                     "aware"),
               After("rag-meeting", "the Executive decides on the RAG's recommendation, so "
                     "not before the RAG met")))
    RR_LEARNING = Step(
        "rr-learning", "learning the Rapid Review identified (--text; each record adds one)",
        "Rapid Review learning", None, sets=(("text", "rapid_review.learning"),),
        excluded_with="rapid-review")
    IMMEDIATE_ACTION = Step(
        "immediate-action", "an immediate action agencies took after the incident (--text; "
        "each record adds one)", "immediate action", None,
        sets=(("text", "rapid_review.immediate_actions"),), excluded_with="rapid-review")
    RAPID_REVIEW_SUBMITTED = Step(
        "rapid-review-submitted", "Rapid Review sent to the National Panel",
        "Rapid Review", "rapid_review.submitted",
        past="Rapid Review submitted to the National Panel", excluded_with="rapid-review",
        working_day=True, awaiting="Rapid Review: gathering information",
        after=(After("rag-meeting", "the Rapid Review cannot be sent before the RAG met"),
               After("decision", "the Rapid Review goes with the Executive's decision, so "
                     "not before it")),
        needs=(Needs("decision", "the Rapid Review goes to the Panel with the Executive's "
                     "decision"),
               Needs("panel-notified", "the Rapid Review follows the Panel notification",
                     where_rule="panel-notification")))
    PANEL_RESPONSE = Step(
        "panel-response", "the Panel's answer to the Rapid Review", "the Panel's answer",
        "rapid_review.panel_response", sets=(("note", "rapid_review.panel_response_note"),),
        past="The Panel answered the Rapid Review",
        extras=(("panel_response_note", ": {}"),), excluded_with="rapid-review")
    CSPR_COMMISSIONED = Step(
        "cspr-commissioned", "CSPR commissioned", "CSPR commissioning", "cspr.commissioned",
        sets=(("author", "cspr.author"),), past="CSPR commissioned",
        extras=(("author", " (author {})"),), excluded_with="rapid-review", working_day=True,
        awaiting="CSPR: to commission", stage_when=_CSPR_DECIDED,
        after=(After("decision", "a CSPR cannot be commissioned before the decision to "
                     "hold one"),))
    FAMILY_INFORMED = Step(
        "family-informed", "family told about the review", "family told",
        "cspr.family_informed", past="Family informed of the review",
        excluded_with="rapid-review", working_day=True)
    PRACTITIONER_EVENT = Step(
        "practitioner-event", "a practitioner event (may be planned ahead)",
        "practitioner event", "cspr.practitioner_events", repeats=True,
        past="Practitioner event", planned="Practitioner event (planned)", ahead=True,
        excluded_with="rapid-review")
    DRAFT_SHARED_WITH_FAMILY = Step(
        "draft-shared-with-family", "draft report shared with the family",
        "draft shared with the family", "cspr.draft_shared_with_family",
        past="Draft shared with the family", excluded_with="rapid-review", working_day=True)
    PUBLICATION_PLANNED = Step(
        "publication-planned", "planned publication date (DATE is the plan)",
        "planned publication", "cspr.publication_planned",
        past="Publication planned for this date", ahead=True, is_plan=True,
        excluded_with="rapid-review", late_against="cspr-publication")
    REPORT_SENT_TO_PANEL = Step(
        "report-sent-to-panel", "final report sent to the Panel and Secretary of State",
        "final report", "cspr.sent_to_panel",
        past="Final report sent to the Panel and Secretary of State",
        excluded_with="rapid-review", working_day=True,
        after=(After("cspr-commissioned", "a CSPR report cannot be sent before the review "
                     "was commissioned"),))
    PUBLISHED = Step(
        "published", "CSPR published", "publication", "cspr.published",
        sets=(("url", "cspr.published_url"),), past="CSPR published",
        excluded_with="rapid-review", awaiting=_CSPR_UNDER_WAY, stage_when=_CSPR_DECIDED,
        after=(After("cspr-commissioned", "a CSPR cannot be published before it was "
                     "commissioned"),))
    NOT_PUBLISHED = Step(
        "not-published", "report withheld as inappropriate to publish (the improvements "
        "information is still due)", "report withheld", None,
        sets=(("reason", "cspr.not_published_reason"),
              ("letter-reason", "cspr.not_published_letter_reason")), options=("new-reason",),
        excluded_with="rapid-review",
        reached="CSPR: withheld, improvements information to publish")
    IMPROVEMENTS_PUBLISHED = Step(
        "improvements-published", "withheld report: the information about the improvements "
        "published (s16F)", "improvements information", "cspr.improvements_published",
        sets=(("url", "cspr.improvements_url"),),
        past="Report withheld: information about the improvements published",
        excluded_with="rapid-review", awaiting=_CSPR_UNDER_WAY, stage_when=_CSPR_DECIDED,
        after=(After("cspr-commissioned", "a CSPR's improvements cannot be published before "
                     "it was commissioned"),))
    NSPCC_SUBMITTED = Step(
        "nspcc-submitted", "sent to the NSPCC repository", "NSPCC submission",
        "cspr.nspcc_submitted", past="Submitted to the NSPCC repository",
        excluded_with="rapid-review", working_day=True)
    ACTION_ADDED = Step(
        "action-added", "action plan item", "action", "actions[].added",
        sets=(("text", "actions[].text"), ("owner", "actions[].owner"),
              ("due", "actions[].due")))
    ACTION_COMPLETED = Step(
        "action-completed", "action done", "action completed", "actions[].completed",
        options=("action",), past="Action {number} completed", awaiting="action plan",
        after=(After("action-added", "an action cannot be completed before it was added"),))
    ACTION_PROGRESS = Step(
        "action-progress", "progress on an action", "action progress",
        "actions[].progress", options=("action", "note"))
    LEARNING_SHARED = Step(
        "learning-shared", "learning disseminated", "learning shared", "learning[].date",
        sets=(("channel", "learning[].channel"), ("note", "learning[].note")),
        past="Learning shared ({channel})", defaults=(("channel", "other"),))
    WITHDRAWN = Step(
        "withdrawn", "the case is withdrawn (the incident does not meet the criteria after "
        "all, or --duplicate-of ID): nothing stays due",
        "withdrawal", "withdrawn", sets=(("reason", "withdrawn_reason"),),
        options=("new-reason", "duplicate-of"), past="Withdrawn",
        extras=(("withdrawn_reason", ": {}"),), ends="withdrawn",
        after=(After(AWARE, "an incident cannot be withdrawn before the local authority "
                     "became aware"),))
    CLOSED = Step(
        "closed", "case closed", "closing", "closed", options=("force",), past="Case closed",
        ends="closed",
        after=(After("reopened", "a case cannot be closed before it was reopened"),))
    REOPENED = Step(
        "reopened", "a closed case reopened", "reopening", "reopened",
        sets=(("reason", "reopened_reason"),), past="Case reopened")

    @property
    def step(self) -> Step:
        return self.value

    def __str__(self) -> str:
        return str(self.value.name)

    @classmethod
    def _missing_(cls, value: object) -> Event | None:
        """`Event("panel-notified")`: a member by its event name."""
        return next((member for member in cls if member.value.name == value), None)


# Every step, in process order.
STEPS: tuple[Step, ...] = tuple(event.step for event in Event)

# Dates in a case file that are facts, not steps: never "not yet done" (asof.py).
FACT_DATES = ("incident.occurred", "children[].date_of_birth")
# Orders between facts: possible, but probably a typo (a warning).
FACT_ORDER: tuple[tuple[str, str, str], ...] = (
    ("incident.occurred", AWARE, "became aware before the incident"),
)
# The stages that are no step's: facts that meet no notification criteria, and every
# milestone passed (progress.py `stage_of`).
NOT_NOTIFIABLE_STAGE = "not notifiable on the recorded facts"
LAST_STAGE = "learning and closure"
# What a case needs when a rule's `not_when` rules it out: "this case needs no Rapid Review".
EXCLUSION_WORDS = {
    "rapid-review": "no Rapid Review",
    "partners-notification": "no report to the safeguarding partners",
}


@cache
def steps_by_name() -> dict[str, Step]:
    return {step.name: step for step in STEPS}


def step_named(name: str) -> Step | None:
    return steps_by_name().get(str(name))
