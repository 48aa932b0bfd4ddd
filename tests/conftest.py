"""Shared fixtures: offscreen Qt, a fresh simulator per test, a temp base dir, strict logs.

Unexpected WARNING (or worse) log records fail the test, as Qt warnings do
(``qt_log_level_fail``). A test that expects one says so with ``expect_log_warnings``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The real user config must never leak into (or out of) a test.
os.environ["RINGOHUNT_MACHINE_CONFIG"] = os.devnull
for _name in list(os.environ):
    if _name.startswith("RINGOHUNT_") and _name != "RINGOHUNT_MACHINE_CONFIG":
        del os.environ[_name]

from ringohunt_desktop.simulator import SimCredentials, SimOptions, Simulator  # noqa: E402

T = TypeVar("T")

_ALLOWED_WARNINGS_KEY = pytest.StashKey[bool]()


@pytest.fixture
def expect_log_warnings(request: pytest.FixtureRequest) -> None:
    """Declare that this test provokes WARNING/ERROR log records on purpose."""
    request.node.stash[_ALLOWED_WARNINGS_KEY] = True


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    handler = _CollectingHandler()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        result = yield
    finally:
        root.removeHandler(handler)
    if handler.records and not item.stash.get(_ALLOWED_WARNINGS_KEY, False):
        lines = "\n".join(f"  {r.levelname} {r.name}: {r.getMessage()}" for r in handler.records)
        pytest.fail(f"unexpected log warnings:\n{lines}", pytrace=False)
    return result


class _CollectingHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def basedir(tmp_path: Path) -> Path:
    path = tmp_path / "basedir"
    path.mkdir()
    return path


@pytest.fixture
def sim_credentials() -> SimCredentials:
    return SimCredentials()


@pytest.fixture
def sim_options() -> SimOptions:
    """Small and quick by default; a test overrides this fixture for bigger data."""
    return SimOptions(contacts=40, deals=10, calls_history_days=2, calls_per_day=10)


@pytest.fixture
def sim(sim_credentials: SimCredentials, sim_options: SimOptions) -> Iterator[Simulator]:
    simulator = Simulator(sim_credentials, sim_options).start()
    try:
        yield simulator
    finally:
        simulator.stop()


@pytest.fixture
def run_async() -> Callable[[Coroutine[Any, Any, T]], T]:
    """Run a coroutine to completion on a fresh asyncio loop (non-Qt tests)."""

    def runner(coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run(coro)

    return runner


@pytest.fixture
def qloop(qapp: Any) -> Iterator[asyncio.AbstractEventLoop]:
    """A fresh qasync loop on the one QApplication; closed and cleared after the test.

    Drive async code with ``qloop.run_until_complete(...)``. Inside coroutines, wait for Qt
    signals with :func:`signal_future` — never ``qtbot.wait_signal`` (a nested Qt loop would
    stall the coroutine; style-models.md §7).
    """
    import qasync
    import shiboken6

    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    errors: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _loop, context: errors.append(context))
    try:
        yield loop
    finally:
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.close()
        asyncio.set_event_loop(None)
        # A cancelled call_later keeps its Qt timer in qasync's timer object until it fires
        # (the app's 15 s setup retry, a 30 s back-off), and close() only flags it stopped.
        # Left to the cyclic GC, that object may be freed on a simulator thread, where Qt
        # cannot unregister its timers: the timer then fires into freed memory, a segfault a
        # few tests later. Destroy it here, on the thread that owns it.
        timer = getattr(loop, "_timer", None)
        if timer is not None and shiboken6.isValid(timer):
            shiboken6.delete(timer)
    if errors:
        pytest.fail(f"errors in the event loop: {errors}", pytrace=False)


@pytest.fixture(scope="session")
def uk_qm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Ukrainian translation compiled from the .ts as it is in the tree (not a stale .qm)."""
    from ringohunt_desktop import i18n_build

    target = tmp_path_factory.mktemp("uk_qm") / "ringohunt_uk.qm"
    return i18n_build.compile_ts(i18n_build.I18N_DIR / "ringohunt_uk.ts", target)


@pytest.fixture
def uk_translator(qapp: Any, uk_qm: Path) -> Iterator[None]:
    """The Ukrainian UI for one test: our translator and Qt's own (standard buttons such as
    Cancel), as the app installs them; removed afterwards."""
    from PySide6.QtCore import QLibraryInfo, QTranslator

    translator = QTranslator()
    assert translator.load(str(uk_qm))
    qt_translator = QTranslator()
    qt_translator.load("qtbase_uk", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    qapp.installTranslator(translator)
    qapp.installTranslator(qt_translator)
    try:
        yield
    finally:
        qapp.removeTranslator(qt_translator)
        qapp.removeTranslator(translator)


class FakeClock:
    """Replaces the simulator's ``state.clock`` so call phases change without sleeping."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(sim: Simulator) -> FakeClock:
    """The simulator's time, moved by the test (``clock.now += seconds``)."""
    fake = FakeClock()
    sim.state.clock = fake
    return fake


def signal_future(signal: Any, predicate: Callable[..., bool] | None = None
                  ) -> asyncio.Future[tuple[Any, ...]]:
    """A future resolved with the arguments of the first emission matching ``predicate``."""
    future: asyncio.Future[tuple[Any, ...]] = asyncio.get_event_loop().create_future()

    def on_emit(*args: Any) -> None:
        if not future.done() and (predicate is None or predicate(*args)):
            future.set_result(args)
            signal.disconnect(on_emit)

    signal.connect(on_emit)
    return future


@pytest.fixture
def typing_window(qtbot: Any) -> Any:
    """A window the agent is typing in: active, its text box focused (a pop-up must leave
    the keyboard there)."""
    from PySide6.QtWidgets import QLineEdit

    editor = QLineEdit()
    qtbot.addWidget(editor)
    editor.show()
    editor.activateWindow()
    qtbot.waitActive(editor)
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    return editor
