"""CallPoller against the simulator over real HTTP, driven by injected clocks.

Each test reads the ``calls/list`` window a cycle asked for from the simulator's request log
(``from``/``to`` in project time) and checks the rows that came back against the simulator's
own list of calls. The poller's wall clock and the simulator's clock are one fake clock, so
"now" is the same on both sides; the monotonic clock is separate, so a test can suspend the
machine (wall time passes, monotonic time does not).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import httpx
import pytest

from ringohunt_desktop.clients.errors import ApiError
from ringohunt_desktop.clients.http import RetryPolicy
from ringohunt_desktop.clients.ringostat import CALLS_CAP, DEFAULT_FIELDS, RingostatClient
from ringohunt_desktop.core.calltracking import AgentIdentity
from ringohunt_desktop.core.polling import MAX_CATCH_UP, CallPoller, PollResult
from ringohunt_desktop.domain import CallRecord
from ringohunt_desktop.secret import Secret
from ringohunt_desktop.simulator import SimCredentials, SimOptions, Simulator
from ringohunt_desktop.simulator.people import AGENTS
from ringohunt_desktop.simulator.ringostat import RingostatData

T = TypeVar("T")
RunAsync = Callable[[Coroutine[Any, Any, T]], T]
KYIV = ZoneInfo("Europe/Kyiv")
OLENA, ANDRII = AGENTS[0], AGENTS[1]
# CallPoller's defaults, spelled out so the expected windows read plainly.
HOT = timedelta(minutes=10)
RECONCILE = timedelta(hours=2)
END_MARGIN = timedelta(minutes=1)  # every window ends a minute after "now"
Window = tuple[datetime, datetime]


class Clocks:
    """The poller's wall and monotonic clocks; the simulator reads the same wall clock."""

    def __init__(self) -> None:
        self.wall = float(int(time.time()))  # whole seconds: windows compare exactly
        self.mono = 5000.0

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.wall, UTC)

    def monotonic(self) -> float:
        return self.mono

    def sim_clock(self) -> float:
        return self.wall

    def run(self, seconds: float) -> None:
        """The machine is awake: both clocks move."""
        self.wall += seconds
        self.mono += seconds

    def suspend(self, seconds: float) -> None:
        """The machine sleeps: wall time passes, the monotonic clock stands still."""
        self.wall += seconds


class SlowRingostat(RingostatClient):
    """A real client whose ``calls/list`` answers take ``delay`` seconds of the fake clocks."""

    def __init__(self, *args: Any, clocks: Clocks, delay: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clocks = clocks
        self._delay = delay

    async def calls_list(self, start: datetime, end: datetime,
                         fields: Sequence[str] = DEFAULT_FIELDS) -> list[CallRecord]:
        rows = await super().calls_list(start, end, fields)
        self._clocks.run(self._delay)
        return rows


@dataclass
class Rig:
    """One poller, its client and the simulator's control channel."""

    control: httpx.Client
    poller: CallPoller
    paths: list[str] = field(default_factory=list)  # what the last cycle requested
    _log_index: int = 0

    async def poll(self) -> tuple[PollResult, list[Window]]:
        """One cycle: its result and the ``calls/list`` windows it asked for."""
        result = await self.poller.poll_once()
        return result, self.new_windows()

    async def poll_window(self) -> tuple[PollResult, Window]:
        result, (window,) = await self.poll()
        assert result.window_start == window[0]
        return result, window

    def new_windows(self) -> list[Window]:
        log: list[dict[str, Any]] = self.control.get(
            "/_sim/requests", params={"service": "ringostat", "since": self._log_index}).json()
        if log:
            self._log_index = log[-1]["index"] + 1
        self.paths = [entry["path"] for entry in log]
        return [(wire_time(entry["query"]["from"]), wire_time(entry["query"]["to"]))
                for entry in log if entry["path"] == "/calls/list"]

    def calls_in(self, window: Window) -> set[str]:
        return calls_in(self.control, window)

    def faults(self, **values: Any) -> None:
        self.control.post("/_sim/faults",
                          json={"service": "ringostat", **values}).raise_for_status()

    def ring(self, **body: Any) -> str:
        response = self.control.post("/_sim/ring", json=body)
        response.raise_for_status()
        call_id: str = response.json()["call_id"]
        return call_id


def calls_in(control: httpx.Client, window: Window) -> set[str]:
    """Ids of the simulator's calls that rang inside ``window`` (both ends inclusive)."""
    first, last = (bound.timestamp() for bound in window)
    rows = control.get("/_sim/ringostat/calls").json()
    return {row["uniqueid"] for row in rows if first <= int(row["ring_at"]) <= last}


def wire_time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=KYIV)


def ids(rows: Iterable[CallRecord]) -> set[str]:
    return {row.call_id for row in rows}


@pytest.fixture
def clocks(sim: Simulator) -> Clocks:
    fake = Clocks()
    sim.state.clock = fake.sim_clock
    return fake


@pytest.fixture
def control(sim: Simulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sim.url) as client:
        yield client


def make_client(sim: Simulator, **options: Any) -> RingostatClient:
    return RingostatClient(sim.ringostat_url, Secret(sim.credentials.ringostat_auth_key),
                           sim.credentials.ringostat_project_id,
                           retry=RetryPolicy(attempts=2, base_delay=0.01), **options)


async def olena(client: RingostatClient) -> AgentIdentity:
    member = await client.find_agent(OLENA.email)
    assert member is not None
    return AgentIdentity.from_staff(member)


async def rig(client: RingostatClient, control: httpx.Client, clocks: Clocks,
              **options: Any) -> Rig:
    poller = CallPoller(client, await olena(client), now=clocks.now,
                        monotonic=clocks.monotonic, **options)
    setup = Rig(control, poller)
    setup.new_windows()  # the staff look-up is not part of any cycle
    return setup


# ---------------------------------------------------------------- first run

def test_first_run_starts_at_the_newest_journal_call_minus_the_reconcile_window(
        sim: Simulator, control: httpx.Client, clocks: Clocks, run_async: RunAsync[Any]) -> None:
    now = clocks.now()
    newest_in_journal = now - timedelta(hours=30)

    async def scenario() -> None:
        async with make_client(sim) as client:
            r = await rig(client, control, clocks, resume_from=newest_in_journal)
            result, window = await r.poll_window()
            assert window == (newest_in_journal - RECONCILE, now + END_MARGIN)
            assert result.caught_up
            expected = r.calls_in(window)
            assert ids(result.rows) == expected
            # The seeded history (two days) has calls on both sides of the window's start.
            assert expected
            assert r.calls_in((now - timedelta(days=2), now)) - expected

    run_async(scenario())


def test_first_run_without_a_journal_looks_back_a_day_plus_the_reconcile_window(
        sim: Simulator, control: httpx.Client, clocks: Clocks, run_async: RunAsync[Any]) -> None:
    now = clocks.now()

    async def scenario() -> None:
        async with make_client(sim) as client:
            r = await rig(client, control, clocks)
            result, window = await r.poll_window()
            assert window == (now - timedelta(hours=24) - RECONCILE, now + END_MARGIN)
            assert result.caught_up
            assert ids(result.rows) == r.calls_in(window)

    run_async(scenario())


def test_first_run_never_reaches_back_more_than_seven_days(
        sim: Simulator, control: httpx.Client, clocks: Clocks, run_async: RunAsync[Any]) -> None:
    now = clocks.now()

    async def scenario() -> None:
        async with make_client(sim) as client:
            r = await rig(client, control, clocks, resume_from=now - timedelta(days=30))
            result, window = await r.poll_window()
            assert window == (now - MAX_CATCH_UP, now + END_MARGIN)
            assert timedelta(days=7) == MAX_CATCH_UP
            assert result.caught_up

    run_async(scenario())


# ---------------------------------------------------------------- steady state

def test_steady_state_polls_the_last_ten_minutes(
        sim: Simulator, control: httpx.Client, clocks: Clocks, run_async: RunAsync[Any]) -> None:
    async def scenario() -> None:
        async with make_client(sim) as client:
            r = await rig(client, control, clocks, resume_from=clocks.now())
            await r.poll()
            call_id = r.ring(agent=OLENA.email)
            for _ in range(3):
                clocks.run(2)
                result, window = await r.poll_window()
                assert window == (clocks.now() - HOT, clocks.now() + END_MARGIN)
                assert not result.caught_up
                assert ids(result.rows) == r.calls_in(window) == {call_id}

    run_async(scenario())


def test_the_hot_window_stretches_back_to_the_oldest_open_call(
        sim: Simulator, control: httpx.Client, clocks: Clocks, run_async: RunAsync[Any]) -> None:
    hot = timedelta(seconds=30)

    async def scenario() -> None:
        async with make_client(sim) as client:
            r = await rig(client, control, clocks, interval=10, hot_window=hot,
                          reconcile_every=3600, resume_from=clocks.now())
            await r.poll()
            long_call = r.ring(agent=OLENA.email, ring_seconds=3, talk_seconds=3600)
            clocks.run(10)
            result, _ = await r.poll_window()
            (open_call,) = result.rows
            assert open_call.call_id == long_call
            assert open_call.is_in_progress

            # 40 s later the call is out of the 30 s hot window, but still open.
            r.poller.set_open_calls([clocks.now() - timedelta(seconds=5), open_call.started_at])
            clocks.run(40)
            result, window = await r.poll_window()
            assert window[0] == open_call.started_at - timedelta(minutes=1)
            assert not result.caught_up
            assert ids(result.rows) == {long_call}

            # Once nothing is open, the window is the hot window again.
            r.poller.set_open_calls([])
            clocks.run(10)
            result, window = await r.poll_window()
            assert window[0] == clocks.now() - hot
            assert not result.caught_up

    run_async(scenario())


def test_the_reconcile_window_comes_every_reconcile_every_seconds(
        sim: Simulator, control: httpx.Client, clocks: Clocks, run_async: RunAsync[Any]) -> None:
    async def scenario() -> None:
        async with make_client(sim) as client:
            r = await rig(client, control, clocks, reconcile_every=60,
                          resume_from=clocks.now() - timedelta(days=1))
            await r.poll()
            starts: list[timedelta] = []
            for _ in range(5):
                clocks.run(30)
                result, window = await r.poll_window()
                assert not result.caught_up
                assert ids(result.rows) == r.calls_in(window)
                starts.append(clocks.now() - window[0])
            assert starts == [HOT, RECONCILE, HOT, RECONCILE, HOT]

    run_async(scenario())


# ---------------------------------------------------------------- catch-up

def test_after_a_failure_the_next_cycle_covers_everything_since_the_last_success(
        sim: Simulator, control: httpx.Client, clocks: Clocks, run_async: RunAsync[Any]) -> None:
    async def scenario() -> None:
        async with make_client(sim) as client:
            r = await rig(client, control, clocks, resume_from=clocks.now())
            await r.poll()
            clocks.run(2)
            await r.poll()
            last_success = clocks.now()

            r.faults(error_rate=1)
            clocks.run(2)
            with pytest.raises(ApiError):
                await r.poller.poll_once()
            r.poller.mark_failed()  # what the watcher does with a failed cycle
            r.faults(error_rate=0)
            r.new_windows()  # the failed attempts

            clocks.run(30)  # the watcher's back-off
            result, window = await r.poll_window()
            assert window == (last_success - RECONCILE, clocks.now() + END_MARGIN)
            assert result.caught_up
            assert ids(result.rows) == r.calls_in(window)

            clocks.run(2)
            result, window = await r.poll_window()
            assert window[0] == clocks.now() - HOT
            assert not result.caught_up

    run_async(scenario())


def test_a_catch_up_after_a_long_failure_is_capped_at_seven_days(
        sim: Simulator, control: httpx.Client, clocks: Clocks, run_async: RunAsync[Any]) -> None:
    async def scenario() -> None:
        async with make_client(sim) as client:
            r = await rig(client, control, clocks, resume_from=clocks.now())
            await r.poll()
            r.poller.mark_failed()
            clocks.run(timedelta(days=10).total_seconds())
            result, window = await r.poll_window()
            assert window[0] == clocks.now() - MAX_CATCH_UP
            assert result.caught_up

    run_async(scenario())


def test_sleep_shows_as_the_wall_clock_racing_ahead_and_triggers_a_catch_up(
        sim: Simulator, control: httpx.Client, clocks: Clocks, run_async: RunAsync[Any]) -> None:
    async def scenario() -> None:
        async with make_client(sim) as client:
            r = await rig(client, control, clocks, resume_from=clocks.now())
            await r.poll()
            clocks.run(2)
            await r.poll()
            before_sleep = clocks.now()

            clocks.run(2)
            clocks.suspend(3 * 3600)  # the lid was closed for three hours
            result, window = await r.poll_window()
            assert window[0] == before_sleep - RECONCILE
            assert result.caught_up
            assert ids(result.rows) == r.calls_in(window)

            clocks.run(2)
            result, window = await r.poll_window()
            assert window[0] == clocks.now() - HOT
            assert not result.caught_up

    run_async(scenario())


def test_a_small_drift_between_the_clocks_is_not_sleep(
        sim: Simulator, control: httpx.Client, clocks: Clocks, run_async: RunAsync[Any]) -> None:
    async def scenario() -> None:
        async with make_client(sim) as client:
            r = await rig(client, control, clocks, resume_from=clocks.now())
            await r.poll()
            clocks.run(2)
            clocks.suspend(4)  # e.g. an NTP step: under the 5 s threshold
            result, window = await r.poll_window()
            assert window[0] == clocks.now() - HOT
            assert not result.caught_up

            clocks.run(2)
            clocks.suspend(6)  # over it
            result, _ = await r.poll_window()
            assert result.caught_up

    run_async(scenario())


def test_a_long_silence_triggers_a_catch_up_even_when_both_clocks_agree(
        sim: Simulator, control: httpx.Client, clocks: Clocks, run_async: RunAsync[Any]) -> None:
    # Where the monotonic clock counts suspended time too, sleep shows only as silence:
    # more than 10 intervals + 30 s (45 s at the default 1.5 s) without a successful cycle.
    async def scenario() -> None:
        async with make_client(sim) as client:
            r = await rig(client, control, clocks, interval=1.5, reconcile_every=3600,
                          resume_from=clocks.now())
            await r.poll()
            clocks.run(40)
            result, window = await r.poll_window()
            assert window[0] == clocks.now() - HOT
            assert not result.caught_up
            last_success = clocks.now()

            clocks.run(50)
            result, window = await r.poll_window()
            assert window[0] == last_success - RECONCILE
            assert result.caught_up

    run_async(scenario())


def test_a_slow_answer_is_not_mistaken_for_sleep(
        sim: Simulator, control: httpx.Client, clocks: Clocks, run_async: RunAsync[Any]) -> None:
    """A calls/list answer that takes 8 s (both clocks run) is a slow network, not a
    suspended machine: the next cycle polls the hot window, not a catch-up window."""

    async def scenario() -> None:
        async with SlowRingostat(sim.ringostat_url, Secret(sim.credentials.ringostat_auth_key),
                                 sim.credentials.ringostat_project_id, clocks=clocks,
                                 delay=8) as client:
            r = await rig(client, control, clocks, resume_from=clocks.now())
            await r.poll()
            for _ in range(3):
                clocks.run(2)
                cycle_start = clocks.now()
                result, window = await r.poll_window()
                assert window[0] == cycle_start - HOT
                assert not result.caught_up

    run_async(scenario())


def test_caught_up_is_set_exactly_on_catch_up_cycles(
        sim: Simulator, control: httpx.Client, clocks: Clocks, run_async: RunAsync[Any]) -> None:
    async def scenario() -> list[tuple[str, bool]]:
        seen: list[tuple[str, bool]] = []
        async with make_client(sim) as client:
            r = await rig(client, control, clocks, reconcile_every=60,
                          resume_from=clocks.now())

            async def step(name: str) -> None:
                result, _ = await r.poll_window()
                seen.append((name, result.caught_up))

            await step("first run")
            clocks.run(30)
            await step("hot")
            clocks.run(30)
            await step("reconcile")
            clocks.run(2)
            r.poller.mark_failed()
            await step("after a failure")
            clocks.run(2)
            await step("hot")
            clocks.run(2)
            clocks.suspend(600)
            await step("after sleep")
            clocks.run(2)
            await step("hot")
        return seen

    assert run_async(scenario()) == [
        ("first run", True), ("hot", False), ("reconcile", False), ("after a failure", True),
        ("hot", False), ("after sleep", True), ("hot", False)]


# ---------------------------------------------------------------- agent status

def test_agent_speaking_follows_sipstatus_speaking(
        sim: Simulator, control: httpx.Client, clocks: Clocks, run_async: RunAsync[Any]) -> None:
    async def scenario() -> list[bool]:
        speaking: list[bool] = []
        async with make_client(sim) as client:
            r = await rig(client, control, clocks, resume_from=clocks.now())

            async def step(seconds: float) -> None:
                clocks.run(seconds)
                result, _ = await r.poll_window()
                assert r.paths == ["/calls/list", "/sipstatus/speaking"]
                speaking.append(result.agent_speaking)

            await step(0)
            r.ring(agent=ANDRII.email, ring_seconds=2, talk_seconds=60)
            await step(5)  # a colleague talks
            r.ring(agent=OLENA.email, ring_seconds=4, talk_seconds=20)
            await step(1)  # Olena's phone rings: not speaking yet
            await step(5)  # she picked up
            await step(25)  # she hung up
        return speaking

    assert run_async(scenario()) == [False, False, False, True, False]


# ---------------------------------------------------------------- a full answer

@pytest.mark.parametrize("cap", [
    # The same path at a tenth of the cap, so the everyday run stays quick.
    CALLS_CAP // 10,
    # Ringostat's real cap, the default of both the client and the simulator (~1.5 s).
    pytest.param(CALLS_CAP, marks=pytest.mark.slow),
])
def test_a_full_answer_is_split_and_every_call_comes_back_once(
        cap: int, run_async: RunAsync[Any]) -> None:
    # A first-run window holding 100 calls more than one answer may carry: the first answer
    # is full, so the client splits the window in two and merges the halves.
    options = SimOptions(contacts=5, deals=1, calls_history_days=1, calls_per_day=cap + 100,
                         calls_cap=cap)
    with Simulator(SimCredentials(), options) as sim, httpx.Client(base_url=sim.url) as control:
        clocks = Clocks()
        sim.state.clock = clocks.sim_clock
        now = clocks.now()
        resume_from = now - timedelta(days=1) + RECONCILE - timedelta(minutes=5)

        async def scenario() -> tuple[PollResult, list[Window]]:
            async with make_client(sim, calls_cap=cap) as client:
                r = await rig(client, control, clocks, resume_from=resume_from)
                return await r.poll()

        result, windows = run_async(scenario())
        asked = (resume_from - RECONCILE, now + END_MARGIN)
        # Read in-process: /_sim/ringostat/calls would ship every column of every call.
        ringostat: RingostatData = sim.service_data("ringostat")
        with sim.state.lock:
            expected = {call.call_id for call in ringostat.calls
                        if asked[0].timestamp() <= call.ring_at <= asked[1].timestamp()}
        assert len(expected) == cap + 100
        assert len(result.rows) == len(expected)
        assert ids(result.rows) == expected  # every call, and none twice
        assert result.caught_up
        assert result.window_start == asked[0]
        # The whole window first (a full answer), then its two halves, which cover it.
        assert windows[0] == asked
        assert len(windows) == 3
        assert (windows[1][0], windows[1][1]) == (asked[0], windows[2][0])
        assert windows[2][1] == asked[1]


def test_the_client_and_the_simulator_both_default_to_a_6500_row_cap(
        sim: Simulator, run_async: RunAsync[Any]) -> None:
    async def client_cap() -> int:
        async with RingostatClient(sim.ringostat_url, Secret("key"), "1") as client:
            return client.calls_cap

    assert run_async(client_cap()) == CALLS_CAP == 6500
    assert SimOptions().calls_cap == CALLS_CAP
