"""The scale benchmark's webhook plan speaks the product's contract: every webhook it sends,
aliases included, parses to the call and event it stands for, and the plan has the shape the
issue asks for (3–4 events per call, about a fifth sent twice). No servers, no timing."""

from __future__ import annotations

import random
from collections import Counter

from benchmarks.bench_scale import (
    DESKTOP_EVENTS,
    PlannedCall,
    PlannedWebhook,
    ScaleSizes,
    call_centre_staff,
    expected_events,
    plan_calls,
    plan_webhooks,
    staff_members,
    webhook_fields,
)
from ringohunt_desktop.core.webhooks import canonical_fields, parse_webhook_event
from ringohunt_desktop.relay.directory import StaffDirectory
from ringohunt_desktop.relay.routing import route


def plan() -> tuple[list[PlannedCall], list[PlannedWebhook]]:
    rng = random.Random(5)
    calls = plan_calls(ScaleSizes.for_mode(quick=False), call_centre_staff(50), rng)
    return calls, plan_webhooks(calls, rng)


def test_each_call_has_three_or_four_events_and_about_a_fifth_go_twice() -> None:
    calls, webhooks = plan()
    firsts = Counter(item.call.call_id for item in webhooks if item.copy == 0)
    assert set(firsts.values()) <= {3, 4}
    assert {firsts[call.call_id] for call in calls if call.answered} == {4}
    copies = sum(1 for item in webhooks if item.copy == 1)
    assert 0.15 < copies / sum(firsts.values()) < 0.25
    assert [item.due for item in webhooks] == sorted(item.due for item in webhooks)


def test_every_webhook_parses_and_routes_to_the_agent_it_names() -> None:
    _calls, webhooks = plan()
    directory = StaffDirectory.from_staff("11111", staff_members(call_centre_staff(50)))
    for item in webhooks[:400]:
        for aliases in (False, True):
            fields = {"event": item.event, **webhook_fields(item, aliases)}
            event = parse_webhook_event(fields)
            assert (event.call_id, event.event) == (item.call.call_id, item.event)
            recipients = {d.recipient for d in route(event, canonical_fields(fields), directory,
                                                     project="11111")}
            if item.event in DESKTOP_EVENTS:
                assert f"agent.{item.call.agent.staff_id}" in recipients
            else:
                assert recipients == {"unassigned"}


def test_only_accepted_desktop_events_are_expected() -> None:
    calls, _webhooks = plan()
    first = calls[0]
    accepted = {f"{first.call_id}:call_start", f"{first.call_id}:call_forwarding"}
    assert expected_events(calls, accepted) == {
        f"{first.call_id}:call_forwarding": first.agent.staff_id}
