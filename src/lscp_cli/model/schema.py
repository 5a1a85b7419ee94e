"""The case data's shape for mypy: one `TypedDict` per table of a case file.

`Case.typed` gives a case's data as `CaseData`, so code that reads it by field name
(`data["incident"].get("aware")`) is checked: a misspelt field is a mypy error. Every table is
`total=False`: a case file holds what has happened so far. The validator (`casefields.py`'s
`TOP_FIELDS`, `TABLES`, `ARRAYS`) says what each value may be; tests/test_schema.py keeps
the two lists of field names the same.
"""

from __future__ import annotations

from datetime import date, time
from typing import TypedDict


class IncidentData(TypedDict, total=False):
    type: str
    occurred: date
    time: time | str
    aware: date
    location: str
    in_area: bool | str  # or "unknown" (casefields.IN_AREA_WORDS)
    abuse_or_neglect: str
    summary: str


class ChildData(TypedDict, total=False):
    initials: str
    date_of_birth: date
    sex: str
    ethnicity: str
    disability: bool | str  # or "unknown"
    looked_after: bool | str  # or "unknown"
    child_protection_plan: bool | str  # or "unknown"
    child_in_need_plan: bool | str  # or "unknown"
    known_to: list[str]
    lives_in: str


class NotificationData(TypedDict, total=False):
    panel: date
    panel_reference: str
    partners: date
    late_reason: str
    documents: list[str]
    action_taken: str
    other_authority_notified: date  # a child of this area harmed elsewhere in England
    other_authority: str
    other_authority_reference: str


class AgencyData(TypedDict, total=False):
    name: str
    requested: date
    due: date
    received: date


class RapidReviewData(TypedDict, total=False):
    meeting: date
    recommendation: str
    decision: str
    decision_date: date
    decision_reasons: str
    submitted: date
    national_review: bool
    panel_response: date
    panel_response_note: str
    learning: list[str]
    immediate_actions: list[str]


class CsprData(TypedDict, total=False):
    commissioned: date
    author: str
    family_informed: date
    practitioner_events: list[date]
    draft_shared_with_family: date
    publication_planned: date
    sent_to_panel: date
    published: date
    published_url: str
    nspcc_submitted: date
    not_published_reason: str
    not_published_letter_reason: str
    improvements_published: date
    improvements_url: str


class ProgressNote(TypedDict):
    date: date
    note: str


class ActionData(TypedDict, total=False):
    text: str
    owner: str
    added: date
    due: date
    completed: date
    progress: list[ProgressNote]


class LearningData(TypedDict, total=False):
    channel: str
    date: date
    note: str


class EventNoteData(TypedDict, total=False):
    date: date
    event: str
    note: str


class CaseData(TypedDict, total=False):
    schema: int
    id: str
    opened: date
    closed: date
    withdrawn: date
    withdrawn_reason: str
    reopened: date
    reopened_reason: str
    notes: str
    incident: IncidentData
    notification: NotificationData
    rapid_review: RapidReviewData
    cspr: CsprData
    children: list[ChildData]
    agencies: list[AgencyData]
    actions: list[ActionData]
    learning: list[LearningData]
    event_notes: list[EventNoteData]
