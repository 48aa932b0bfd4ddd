"""The AI's summary where the agent looks: the comment contract, the simulator's AI comments,
the panel's "Last call: …" and the journal's column (polling: NetHunt's comment feed over real
HTTP), and the ``ai_processed`` event carrying it in subscription mode (a real nats-server)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from ringohunt_desktop.core.calltracking import CallPhase
from ringohunt_desktop.core.summaries import (
    AiComment,
    format_ai_comment,
    parse,
)
from ringohunt_desktop.domain import CallRecord, Direction
from ringohunt_desktop.simulator import Simulator
from ringohunt_desktop.simulator.people import AI_SUMMARY, known
from ringohunt_desktop.store.calls import CallStore
from ringohunt_desktop.store.db import Database
from ringohunt_desktop.store.summaries import SummaryStore
from ringohunt_desktop.ui.models import JournalColumn
from tests.nats_fixtures import NatsNode, nats_server
from tests.test_app_flow import AppRunner, app_factory, panel_for, ring, started, until
from tests.test_subscription import (
    jetstream,
    prepare,
    publish,
    publish_call,
    source_for,
)

__all__ = ["app_factory", "nats_server"]


def test_the_ai_comment_contract_round_trips_and_other_comments_are_ignored() -> None:
    text = format_ai_comment("ua-1.000001", "Клієнт хоче знижку", customer_mood="позитивний")
    assert parse(text) == ("ua-1.000001", "Клієнт хоче знижку")
    assert parse("Ringostat AI · call x9\nSummary: Wants a refund") == ("x9", "Wants a refund")
    assert parse("Передзвонити в п'ятницю\n—\nRingostat call ID: 1") is None  # an agent's note
    assert parse("") is None
    hostile = parse("RINGOSTAT AI · call \u202eid\nПідсумок: \u202eevil\x00" + "я" * 5000)
    assert hostile is not None
    assert "\u202e" not in hostile[1]
    assert "\x00" not in hostile[1]
    assert len(hostile[1]) <= 1000


def test_the_store_keeps_summaries_per_call_and_the_clients_latest() -> None:
    db = Database.in_memory()
    calls = CallStore(db)
    calls.upsert([CallRecord("c1", datetime(2026, 12, 6, 9, tzinfo=UTC), "0671234567", "044",
                             Direction.INCOMING, "ANSWERED", billsec=30),
                  CallRecord("c2", datetime(2026, 12, 7, 9, tzinfo=UTC), "+380671234567",
                             "044", Direction.INCOMING, "ANSWERED", billsec=30)])
    store = SummaryStore(db)
    assert store.add_comments([AiComment("k1", "rec1", "c1", "перший",
                                         datetime(2026, 12, 6, 9, 5, tzinfo=UTC))]) == 1
    assert store.add_comments([AiComment("k1", "rec1", "c1", "перший",
                                         datetime(2026, 12, 6, 9, 5, tzinfo=UTC))]) == 0
    assert store.add_for_call("c2", "другий", at=datetime(2026, 12, 7, 9, 5, tzinfo=UTC))
    assert store.latest_for_client("067 123 45 67") == "другий"
    assert store.latest_for_client("067 123 45 67", exclude_call="c2") == "перший"
    assert store.latest_for_client("0000", ["rec1"]) == "перший"
    rows = {row.call.call_id: row.summary for row in calls.query()}
    assert rows == {"c1": "перший", "c2": "другий"}


def test_polling_the_last_call_summary_on_the_panel_and_in_the_journal(
        app_factory: AppRunner, sim: Simulator, qloop: asyncio.AbstractEventLoop) -> None:
    async def scenario() -> None:
        app = await started(app_factory(language="en"))
        olena = known("olena_koval")
        first = await ring(sim, olena.phones[0], ring_seconds=0.2, talk_seconds=0.2)
        panel = await panel_for(app, first)
        await until(lambda: panel.phase is CallPhase.ENDED, 20, "the first call's end")
        assert not panel.last_call_label.isVisibleTo(panel)  # no earlier call yet
        assert app.summary_feed is not None

        def read() -> str:
            app.summary_feed.read_now()  # type: ignore[union-attr]
            return app.summaries.for_call(first)

        # The AI comment lands in NetHunt a little after the call ends (AI_DELAY_SECONDS).
        await until(read, 20, "the first call's AI summary from NetHunt's comment feed")
        assert app.summaries.for_call(first) == AI_SUMMARY
        app.open_journal()
        assert app.journal is not None
        app.journal.refresh()
        row = app.journal.model.row_of(first)
        assert row >= 0
        assert app.journal.model.index(row, JournalColumn.SUMMARY).data() == AI_SUMMARY

        second = await ring(sim, olena.phones[0], ring_seconds=5, talk_seconds=1)
        again = await panel_for(app, second)
        await until(lambda: again.last_call_label.isVisibleTo(again), what="Last call: …")
        assert again.last_call_label.text() == f"Last call: {AI_SUMMARY}"

    app_factory.run(scenario())


def test_subscription_the_ai_processed_event_carries_the_summary_not_a_state(
        nats_server: NatsNode, tmp_path: object) -> None:
    async def scenario() -> None:
        async with jetstream([nats_server.url]) as js:
            await prepare(js)
            async with source_for([nats_server.url]) as source:
                await publish_call(js, "call-ai")
                await publish(js, "ai_processed", "call-ai", disposition="NO ANSWER",
                              ai_summary="Клієнт просить рахунок\u202e")
                summaries: dict[str, str] = {}
                rows: list[CallRecord] = []
                async for snapshot in source.snapshots():
                    rows += snapshot.rows
                    summaries.update(snapshot.summaries)
                    if snapshot.settle is not None:
                        await snapshot.settle()
                    if summaries:
                        break
        assert summaries == {"call-ai": "Клієнт просить рахунок"}
        assert all(row.disposition != "NO ANSWER" for row in rows)
        assert {row.call_id for row in rows} <= {"call-ai"}

    asyncio.run(scenario())
