"""The AI's summary of a call (Ringostat's "call processed by AI"), where the agent looks.
No Qt.

Two roads, one store (:class:`~ringohunt_desktop.store.summaries.SummaryStore`):

* subscription mode: the ``ai_processed`` event carries ``ai_summary`` for its call id
  (:attr:`CallSnapshot.summaries`); the call's state is not touched by it;
* polling mode: the set-up writes the summary as a comment on the contact in NetHunt, read
  from the ``new-comment`` feed (newest first, ``since`` only) and recognised by its first
  line, ``Ringostat AI`` followed by the call id, and a summary line (see :func:`parse`).

The comment's layout is this project's contract for the webhook → NetHunt step (the key names
of Ringostat's AI parameters are not documented publicly): the simulator writes exactly it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ringohunt_desktop.clients.nethunt import NetHuntClient
from ringohunt_desktop.core.webhooks import clean_text

__all__ = [
    "AI_MARKER",
    "MAX_SUMMARY_CHARS",
    "SUMMARY_LABELS",
    "AiComment",
    "fetch_ai_comments",
    "format_ai_comment",
    "parse",
]

AI_MARKER = "Ringostat AI"
#: Labels of the summary line, in the languages a cabinet may be set up in.
SUMMARY_LABELS = ("Підсумок:", "Summary:", "Резюме:", "Итог:")
MAX_SUMMARY_CHARS = 1000
#: The feed is read from a little before the last comment seen (clocks differ).
FEED_OVERLAP = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class AiComment:
    comment_id: str
    record_id: str
    call_id: str  # '' when the comment does not name it
    summary: str
    created_at: datetime | None


def parse(text: str) -> tuple[str, str] | None:
    """(call id, summary) of an AI comment; None for any other comment."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines or not lines[0].casefold().startswith(AI_MARKER.casefold()):
        return None
    head = clean_text(lines[0], 300).split()
    call_id = head[-1] if len(head) > 2 else ""
    summary = ""
    for line in lines[1:]:
        label = next((label for label in SUMMARY_LABELS
                      if line.casefold().startswith(label.casefold())), None)
        if label is not None:
            summary = line[len(label):]
            break
    if not summary and len(lines) > 1:
        summary = lines[1]
    summary = clean_text(summary, MAX_SUMMARY_CHARS)
    return (call_id, summary) if summary else None


def format_ai_comment(call_id: str, summary: str, *, customer_mood: str = "",
                      employee_mood: str = "", overall_mood: str = "",
                      actions: str = "") -> str:
    """The comment as the set-up writes it (the simulator uses this)."""
    lines = [f"{AI_MARKER} · дзвінок {call_id}", f"Підсумок: {summary}"]
    for label, value in (("Настрій клієнта", customer_mood), ("Настрій оператора", employee_mood),
                         ("Загальний настрій", overall_mood), ("Рекомендовані дії", actions)):
        if value:
            lines.append(f"{label}: {value}")
    return "\n".join(lines)


async def fetch_ai_comments(nethunt: NetHuntClient, folder_id: str,
                            since: datetime | None) -> list[AiComment]:
    """AI comments NetHunt holds since ``since`` (minus an overlap), newest first."""
    start = since - FEED_OVERLAP if since is not None else None
    found = []
    for comment in await nethunt.new_comments(folder_id, since=start):
        parsed = parse(comment.text)
        if parsed is None or not comment.record_id:
            continue
        found.append(AiComment(clean_text(comment.comment_id, 100),
                               clean_text(comment.record_id, 100), parsed[0], parsed[1],
                               comment.created_at))
    return found
