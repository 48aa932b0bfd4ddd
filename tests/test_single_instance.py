"""SingleInstance: the first copy claims and listens, later launches hand it their request."""

from __future__ import annotations

import json
import logging
import os
import socket
import stat
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDir, QLockFile
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from pytestqt.qtbot import QtBot

from ringohunt_desktop.shell.single_instance import (
    MAX_MESSAGE_BYTES,
    SingleInstance,
    UnsafeLocation,
    default_server_name,
    ensure_private_dir,
    instance_dir,
    parse_message,
)

pytestmark = pytest.mark.gui

PROJECT_DIR = Path(__file__).resolve().parent.parent


OTHER_UID = 65534  # "nobody": stands for another agent on the same terminal server
as_root_only = pytest.mark.skipif(
    not hasattr(os, "getuid") or os.getuid() != 0,
    reason="planting another user's files needs root")


@pytest.fixture(autouse=True)
def runtime_dir(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private runtime folder per test, short enough for a socket path (children inherit)."""
    with tempfile.TemporaryDirectory(prefix="rh-") as folder:
        os.chmod(folder, 0o700)
        monkeypatch.setenv("XDG_RUNTIME_DIR", folder)
        yield Path(folder)


@pytest.fixture
def name() -> str:
    # Unique per test: tests never see each other's (or a real app's) server.
    return f"ringohunt-test-{uuid.uuid4().hex[:12]}"


def _raw_send(name: str, data: bytes) -> None:
    """Write bytes as a misbehaving client would, bypassing SingleInstance.send checks."""
    address = SingleInstance(name)._read_address()
    assert address is not None
    client = QLocalSocket()
    client.connectToServer(address)
    assert client.waitForConnected(1000)
    client.write(data)
    assert client.waitForBytesWritten(1000)
    client.disconnectFromServer()


@pytest.fixture
def first(qtbot: QtBot, name: str) -> Iterator[SingleInstance]:
    instance = SingleInstance(name)
    assert instance.claim()
    yield instance
    instance.release()


def test_default_name_is_per_user_and_basedir(tmp_path: Path) -> None:
    assert default_server_name() == default_server_name()
    assert default_server_name().startswith("ringohunt-desktop-")
    assert default_server_name(tmp_path / "a") != default_server_name(tmp_path / "b")
    assert default_server_name(tmp_path) != default_server_name()


def test_second_instance_defers_and_delivers_dial(
    qtbot: QtBot, first: SingleInstance, name: str
) -> None:
    second = SingleInstance(name)
    assert not second.claim()
    assert not second.is_primary
    with qtbot.waitSignal(first.message_received) as blocker:
        assert second.send({"action": "dial", "target": "tel:+380671234567"})
    assert blocker.args == [{"action": "dial", "target": "tel:+380671234567"}]


def test_show_message_and_extra_keys_dropped(
    qtbot: QtBot, first: SingleInstance, name: str
) -> None:
    with qtbot.waitSignal(first.message_received) as blocker:
        _raw_send(name, b'{"action": "show", "evil": "x"}\n')
    assert blocker.args == [{"action": "show"}]


@pytest.mark.parametrize(
    "payload",
    [
        b"not json\n",
        b"[1, 2, 3]\n",
        b'{"action": "rm -rf"}\n',
        b'{"action": "dial"}\n',
        b'{"action": "dial", "target": 42}\n',
        b'{"action": "dial", "target": "' + b"1" * (MAX_MESSAGE_BYTES + 10) + b'"}\n',
        b"\xff\xfe\n",
    ],
    ids=["text", "array", "unknown-action", "no-target", "target-not-str", "oversized", "bytes"],
)
def test_malformed_messages_are_ignored(
    qtbot: QtBot,
    first: SingleInstance,
    name: str,
    payload: bytes,
    caplog: pytest.LogCaptureFixture,
) -> None:
    received: list[dict[str, str]] = []
    first.message_received.connect(received.append)
    with caplog.at_level(logging.INFO, logger="ringohunt_desktop.shell.single_instance"):
        _raw_send(name, payload)
        # A valid message sent afterwards proves the bad one was processed (and dropped)
        # and that the server still works.
        with qtbot.waitSignal(first.message_received):
            _raw_send(name, b'{"action": "show"}\n')
    assert received == [{"action": "show"}]
    assert any("ignored" in record.getMessage() for record in caplog.records)


def test_parse_message_rules() -> None:
    assert parse_message(b'{"action":"dial","target":"0671234567"}') == {
        "action": "dial", "target": "0671234567",
    }
    assert parse_message(b'{"action":"show"}') == {"action": "show"}
    assert parse_message(b'{"action":"dial","target":""}') is None
    assert parse_message(b" " * (MAX_MESSAGE_BYTES + 1)) is None


def test_send_refuses_unknown_action_without_connecting(name: str, qtbot: QtBot) -> None:
    # No server at all: an invalid message is refused before any connection attempt.
    assert not SingleInstance(name).send({"action": "format-disk"}, timeout_ms=50)


def test_send_without_server_gives_up(name: str, qtbot: QtBot) -> None:
    assert not SingleInstance(name).send({"action": "show"}, timeout_ms=150)


def test_release_lets_the_next_copy_claim(qtbot: QtBot, name: str) -> None:
    instance = SingleInstance(name)
    assert instance.claim()
    assert instance.claim()  # idempotent
    instance.release()
    successor = SingleInstance(name)
    try:
        assert successor.claim()
    finally:
        successor.release()


@pytest.mark.skipif(sys.platform == "win32", reason="Unix socket files only")
def test_stale_socket_file_is_removed(qtbot: QtBot, name: str) -> None:
    # A crashed copy leaves its socket file behind: nothing listens, connecting is refused.
    path = ensure_private_dir(instance_dir()) / f"{name}.sock"
    leftover = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    leftover.bind(str(path))
    leftover.close()
    assert path.exists()
    instance = SingleInstance(name)
    try:
        assert instance.claim()
        with qtbot.waitSignal(instance.message_received):
            _raw_send(name, b'{"action": "show"}\n')
    finally:
        instance.release()


def _run_child(code: str, name: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, name],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_message_from_another_process(qtbot: QtBot, first: SingleInstance, name: str) -> None:
    code = (
        "import sys\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "from ringohunt_desktop.shell.single_instance import SingleInstance\n"
        "app = QCoreApplication([])\n"
        "instance = SingleInstance(sys.argv[1])\n"
        "if instance.claim():\n"
        "    sys.exit(3)\n"
        "sys.exit(0 if instance.send({'action': 'dial', 'target': 'tel:+380441234567'}) else 4)\n"
    )
    with qtbot.waitSignal(first.message_received, timeout=30_000) as blocker:
        child = subprocess.Popen(
            [sys.executable, "-c", code, name], cwd=PROJECT_DIR,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
    _out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    assert blocker.args == [{"action": "dial", "target": "tel:+380441234567"}]


def test_lock_of_a_crashed_process_is_stale(qtbot: QtBot, name: str) -> None:
    # The child claims and dies without releasing: its lock file and socket file remain.
    code = (
        "import os, sys\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "from ringohunt_desktop.shell.single_instance import SingleInstance\n"
        "app = QCoreApplication([])\n"
        "ok = SingleInstance(sys.argv[1]).claim()\n"
        "sys.stdout.flush()\n"
        "os._exit(0 if ok else 5)\n"
    )
    result = _run_child(code, name)
    assert result.returncode == 0, result.stderr
    instance = SingleInstance(name)
    try:
        assert instance.claim()
        with qtbot.waitSignal(instance.message_received) as blocker:
            _raw_send(name, json.dumps({"action": "show"}).encode() + b"\n")
        assert blocker.args == [{"action": "show"}]
    finally:
        instance.release()


@pytest.mark.slow
def test_a_clicked_tel_link_dials_through_the_running_app(tmp_path: Path) -> None:
    """What the OS does for a tel: link (RingoHunt.exe "%1", a .desktop file's %u): start the
    app with the link; the running copy places exactly one click-to-call and the new one
    exits at once."""
    import os
    import time

    import httpx

    from tests.realdisplay import demo_app

    basedir = tmp_path / "basedir"
    basedir.mkdir()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with demo_app(env, basedir) as url:
        second = subprocess.run(
            [sys.executable, "-m", "ringohunt_desktop", "--basedir", str(basedir),
             "tel:+380-67-123-45-67"],
            env={k: v for k, v in env.items() if not k.startswith("RINGOHUNT_")},
            capture_output=True, text=True, timeout=60, check=False)
        assert second.returncode == 0, second.stderr
        deadline = time.monotonic() + 15
        while True:
            calls = [r for r in httpx.get(url + "/_sim/requests", timeout=5).json()
                     if r["path"] == "/callback/outward_call"]
            if calls or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    assert len(calls) == 1
    assert "destination=380671234567" in calls[0]["body"]


# ---------------------------------------------------------------- another user on the machine


def _plant_lock(path: Path, pid: int) -> None:
    """A QLockFile-format lock file (pid, app name, host name) as another process leaves it."""
    path.write_text(f"{pid}\nringohunt-desktop\n{socket.gethostname()}\n")


@pytest.mark.skipif(sys.platform == "win32", reason="the shared temporary folder of Unix")
def test_a_squatter_in_the_shared_temp_folder_gets_nothing(
    qtbot: QtBot, name: str, runtime_dir: Path
) -> None:
    """Issue 12.1: another user who holds the lock and listens at the old, predictable place
    in the temporary folder neither blocks the app nor receives its tel: links."""
    squatter_lock = QLockFile(str(Path(QDir.tempPath()) / f"{name}.lock"))
    assert squatter_lock.tryLock(0)
    squatter = QLocalServer()
    assert squatter.listen(name)
    received: list[bool] = []
    squatter.newConnection.connect(lambda: received.append(True))
    first = SingleInstance(name)
    try:
        assert first.claim()
        with qtbot.waitSignal(first.message_received) as blocker:
            assert SingleInstance(name).send({"action": "dial", "target": "tel:+380671234567"})
        assert blocker.args == [{"action": "dial", "target": "tel:+380671234567"}]
        assert not squatter.hasPendingConnections()
        assert not received
        server = first._server
        assert server is not None
        assert Path(server.fullServerName()).parent == runtime_dir / "ringohunt-desktop"
    finally:
        first.release()
        squatter.close()
        squatter_lock.unlock()


@as_root_only
@pytest.mark.parametrize("owner_alive", [True, False], ids=["live-pid", "stale"])
def test_a_lock_file_of_another_user_is_not_trusted(
    qtbot: QtBot, name: str, owner_alive: bool, expect_log_warnings: None
) -> None:
    folder = ensure_private_dir(instance_dir())
    lock = folder / f"{name}.lock"
    _plant_lock(lock, os.getpid() if owner_alive else 2**22 + 1)
    os.chown(lock, OTHER_UID, OTHER_UID)
    instance = SingleInstance(name)
    try:
        assert instance.claim()
        assert instance.is_primary
        assert lock.stat().st_uid == os.getuid()
    finally:
        instance.release()


@as_root_only
def test_a_socket_of_another_user_is_never_sent_to(
    qtbot: QtBot, name: str, expect_log_warnings: None
) -> None:
    """The address file points at a socket someone else owns: the link is not handed over."""
    folder = ensure_private_dir(instance_dir())
    squatter = QLocalServer()
    socket_path = folder / f"{name}.sock"
    assert squatter.listen(str(socket_path))
    os.chown(socket_path, OTHER_UID, OTHER_UID)
    (folder / f"{name}.address").write_text(str(socket_path))
    try:
        assert not SingleInstance(name).send({"action": "show"}, timeout_ms=150)
        assert not squatter.hasPendingConnections()
    finally:
        squatter.close()


@as_root_only
def test_an_address_file_of_another_user_is_not_read(
    qtbot: QtBot, name: str, expect_log_warnings: None
) -> None:
    folder = ensure_private_dir(instance_dir())
    address = folder / f"{name}.address"
    address.write_text("somebody-elses-pipe")
    os.chown(address, OTHER_UID, OTHER_UID)
    assert SingleInstance(name)._read_address() is None
    instance = SingleInstance(name)
    try:
        assert instance.claim()
        server = instance._server
        assert server is not None
        assert SingleInstance(name)._read_address() == server.fullServerName()
    finally:
        instance.release()


@pytest.mark.skipif(sys.platform == "win32", reason="Unix folder modes")
def test_the_instance_folder_is_private(tmp_path: Path, runtime_dir: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    assert instance_dir() == runtime_dir / "ringohunt-desktop"
    made = ensure_private_dir(tmp_path / "opened")
    assert stat.S_IMODE(made.stat().st_mode) == 0o700
    os.chmod(made, 0o755)  # noqa: S103 - the careless state being repaired
    assert stat.S_IMODE(ensure_private_dir(made).stat().st_mode) == 0o700
    # A runtime folder others can write to is not used (the user's cache folder is instead).
    os.chmod(runtime_dir, 0o777)  # noqa: S103 - the unsafe folder under test
    assert not str(instance_dir()).startswith(str(runtime_dir))
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    assert not str(instance_dir()).startswith(QDir.tempPath())
    link = tmp_path / "link"
    link.symlink_to(made)
    with pytest.raises(UnsafeLocation):
        ensure_private_dir(link)


@as_root_only
def test_an_instance_folder_of_another_user_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "theirs"
    folder.mkdir(mode=0o700)
    os.chown(folder, OTHER_UID, OTHER_UID)
    with pytest.raises(UnsafeLocation, match="another user"):
        ensure_private_dir(folder)
