"""One running copy per user: a second launch hands its request to the first and exits.

A ``tel:`` link clicked in a browser starts ``ringohunt-desktop tel:+380…``. That process
calls :meth:`SingleInstance.claim`; when another copy already runs, it :meth:`~SingleInstance.send`
``{"action": "dial", "target": "tel:+380…"}`` (or ``{"action": "show"}``) and quits. The
running copy gets :attr:`~SingleInstance.message_received` and acts on it.

Who is first is decided by a :class:`QLockFile` (atomic, and stale when its process died), not
by "can I connect to the socket": two copies starting together (autostart at login plus a
clicked link) would otherwise both see no server and both listen.

Another user on the same machine (a terminal server with many agents) must not be able to
stand in for the running copy: receive its ``tel:`` links, or make it believe another copy
runs. So nothing lives in the shared temporary folder. The lock, the socket and an address
file sit in a folder only this user can enter (:func:`instance_dir`: the runtime folder where
there is one), checked for its owner and mode before use; a file in it that belongs to
someone else is removed, never trusted. The address file names where the first copy
listens: on Unix a socket in that folder; on Windows a named pipe (pipes are machine-wide)
whose name carries a random part nobody else can read, created with ``UserAccessOption``
(an ACL for this user only). Messages are still treated as untrusted input: one JSON object
per connection, at most 4 KB, known actions only.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
import secrets
import stat
import sys
import time
from pathlib import Path
from typing import Any, Final

import shiboken6
from PySide6.QtCore import QDeadlineTimer, QDir, QLockFile, QObject, QTimer, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from ringohunt_desktop import APP_ID, ORG_NAME
from ringohunt_desktop.paths import AppPaths

__all__ = ["KNOWN_ACTIONS", "MAX_FIELD_CHARS", "MAX_MESSAGE_BYTES", "SingleInstance",
           "UnsafeLocation", "default_server_name", "ensure_private_dir", "instance_dir"]

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES: Final = 4096
# action -> the string fields it carries (all required). Anything else is dropped.
KNOWN_ACTIONS: Final[dict[str, tuple[str, ...]]] = {
    "show": (),
    "dial": ("target",),
}
MAX_FIELD_CHARS: Final = 512
# A client that connects and never finishes its line must not hold a socket forever.
_CLIENT_IDLE_MS: Final = 5000
_CONNECT_RETRY_MS: Final = 50
# sockaddr_un holds 108 bytes on Linux, 104 on macOS; a longer socket path cannot be bound.
_MAX_SOCKET_PATH_BYTES: Final = 100
_IS_WINDOWS: Final = sys.platform == "win32"


class UnsafeLocation(OSError):
    """The instance folder is not this user's alone (another owner, a link, not a folder)."""


def _my_uid() -> int | None:
    return os.getuid() if hasattr(os, "getuid") else None


def _owned_by_me(info: os.stat_result) -> bool:
    uid = _my_uid()
    return uid is None or info.st_uid == uid


def _is_private_dir(path: Path) -> bool:
    try:
        info = path.lstat()
    except OSError:
        return False
    return (stat.S_ISDIR(info.st_mode) and _owned_by_me(info)
            and (_IS_WINDOWS or stat.S_IMODE(info.st_mode) & 0o077 == 0))


def instance_dir() -> Path:
    """The per-user folder for the lock, the socket and the address file.

    The runtime folder (``$XDG_RUNTIME_DIR``, private by design) where there is a usable one,
    else the user's own cache folder; never the shared temporary folder.
    """
    if _IS_WINDOWS:
        local = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(local) / ORG_NAME / APP_ID / "instance"
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_absolute() and _is_private_dir(Path(runtime)):
        return Path(runtime) / APP_ID
    return AppPaths.for_user().cache_dir / "instance"


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` for this user only, or check that it is; raise UnsafeLocation if not."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise UnsafeLocation(f"{path} is not a folder")
    if not _owned_by_me(info):
        raise UnsafeLocation(f"{path} belongs to another user (uid {info.st_uid})")
    if not _IS_WINDOWS and stat.S_IMODE(info.st_mode) & 0o077:
        os.chmod(path, 0o700)  # ours, but opened to others (an old umask, a careless copy)
    return path


def _remove_if_foreign(path: Path) -> None:
    """A file here that another user owns was planted (only root could): drop it unread."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    if _owned_by_me(info) and not stat.S_ISLNK(info.st_mode):
        return
    log.warning("single instance: removing %s, which is not this user's own file", path)
    path.unlink(missing_ok=True)


def default_server_name(basedir: Path | None = None) -> str:
    """``ringohunt-desktop-<hash>``: one name per OS user and per ``--basedir``.

    Windows named pipes are machine-wide (several agents on one terminal server), hence the
    user in the hash; a separate ``--basedir`` is a separate app instance (tests, support).
    """
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment or the password database
        user = os.environ.get("USERNAME") or os.environ.get("USER") or "unknown"
    where = str(basedir.expanduser().resolve()) if basedir is not None else ""
    digest = hashlib.sha1(f"{user}\0{where}".encode(), usedforsecurity=False).hexdigest()
    return f"ringohunt-desktop-{digest[:20]}"


def parse_message(data: bytes) -> dict[str, str] | None:
    """The validated message in ``data`` (one JSON line), or None with the reason logged."""
    if len(data) > MAX_MESSAGE_BYTES:
        log.info("single instance: ignored a message of %d bytes (limit %d)",
                 len(data), MAX_MESSAGE_BYTES)
        return None
    try:
        decoded: Any = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        log.info("single instance: ignored a message that is not JSON")
        return None
    if not isinstance(decoded, dict):
        log.info("single instance: ignored a JSON message that is not an object")
        return None
    action = decoded.get("action")
    if not isinstance(action, str) or action not in KNOWN_ACTIONS:
        log.info("single instance: ignored unknown action %r", str(action)[:40])
        return None
    message = {"action": action}
    for field in KNOWN_ACTIONS[action]:
        value = decoded.get(field)
        if not isinstance(value, str) or not value or len(value) > MAX_FIELD_CHARS:
            log.info("single instance: ignored %r without a usable %r", action, field)
            return None
        message[field] = value
    return message


class SingleInstance(QObject):
    """The per-user "am I first?" lock plus the channel from later launches to the first."""

    message_received = Signal(dict)  # a validated message, e.g. {"action": "dial", "target": …}

    def __init__(self, name: str | None = None, parent: QObject | None = None, *,
                 directory: Path | None = None) -> None:
        super().__init__(parent)
        self.name = name or default_server_name()
        self.directory = directory if directory is not None else instance_dir()
        self._lock_path = self.directory / f"{self.name}.lock"
        self._address_path = self.directory / f"{self.name}.address"
        self._lock = QLockFile(str(self._lock_path))
        # The first copy runs for days; only a dead owner makes the lock stale, never age.
        self._lock.setStaleLockTime(0)
        self._server: QLocalServer | None = None
        self._buffers: dict[QLocalSocket, bytearray] = {}
        self._closing: set[QLocalSocket] = set()

    @property
    def is_primary(self) -> bool:
        return self._server is not None

    def claim(self) -> bool:
        """True: this is the first copy and now listens. False: another copy runs."""
        if self._server is not None:
            return True
        try:
            ensure_private_dir(self.directory)
            _remove_if_foreign(self._lock_path)
            _remove_if_foreign(self._address_path)
        except OSError as exc:
            # Someone else controls the folder: trust nothing in it. The agent still gets an
            # app, only without the hand-over from later launches.
            log.warning("single instance: not using %s: %s", self.directory, exc)
            return True
        if not self._lock.tryLock(0):
            if self._lock.error() == QLockFile.LockError.LockFailedError:
                return False
            # No lock file possible (a read-only folder): fall back to probing the socket.
            log.info("single instance: cannot create %s (%s); probing the socket instead",
                     self._lock.fileName(), self._lock.error().name)
            if self._server_answers():
                return False
        address = self._new_address()
        # We own the name: a socket file still there belongs to a copy that crashed.
        QLocalServer.removeServer(address)
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(address):
            # Still the first copy (the lock says so), just unable to hear later launches;
            # refusing to start would leave the agent with no app at all.
            log.warning("single instance: cannot listen on %s: %s",
                        address, server.errorString())
            server.deleteLater()
            self._server = None
            return True
        try:
            self._write_address(address)
        except OSError as exc:
            log.warning("single instance: cannot write %s: %s", self._address_path, exc)
        server.newConnection.connect(self._on_new_connection)
        self._server = server
        return True

    def _new_address(self) -> str:
        """Where to listen: a socket in the private folder, else an unguessable name.

        A Windows pipe name is machine-wide, and a socket path may be too long to bind:
        then the name carries 128 random bits that only the address file (which nobody else
        can read) tells.
        """
        socket_path = str(self.directory / f"{self.name}.sock")
        if not _IS_WINDOWS and len(os.fsencode(socket_path)) <= _MAX_SOCKET_PATH_BYTES:
            return socket_path
        return f"{self.name}-{secrets.token_hex(16)}"

    def _write_address(self, address: str) -> None:
        staging = self._address_path.with_name(f"{self._address_path.name}.{os.getpid()}")
        staging.unlink(missing_ok=True)
        descriptor = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(address)
        os.replace(staging, self._address_path)

    def _read_address(self) -> str | None:
        """Where the first copy listens, if the address file and the socket are this user's."""
        try:
            if not _is_private_dir(self.directory):
                return None
            info = self._address_path.lstat()
            if not stat.S_ISREG(info.st_mode) or not _owned_by_me(info):
                return None
            address = self._address_path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return None
        if not address or len(address) > 1024:
            return None
        if not _IS_WINDOWS:
            socket_file = Path(address) if os.path.isabs(address) else (
                Path(QDir.tempPath()) / address)
            try:
                socket_info = socket_file.lstat()
            except OSError:
                return None
            if not stat.S_ISSOCK(socket_info.st_mode) or not _owned_by_me(socket_info):
                log.warning("single instance: %s is not this user's socket; not sending",
                            socket_file)
                return None
        return address

    def release(self) -> None:
        """Stop listening and give up the lock (at quit; a crash is handled by the next run)."""
        if self._server is not None:
            self._server.close()
            self._server.deleteLater()
            self._server = None
        for socket in list(self._buffers):
            self._drop(socket)
        if self._lock.isLocked():
            self._address_path.unlink(missing_ok=True)
            self._lock.unlock()

    def send(self, message: dict[str, Any], timeout_ms: int = 2000) -> bool:
        """Hand ``message`` to the running copy; True once it is written to the channel.

        Blocking (it runs in the second launch before it exits, with no event loop). Retries
        the connection until ``timeout_ms``, because the first copy may hold the lock but not
        yet listen.
        """
        try:
            payload = json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n"
        except (TypeError, ValueError):
            log.info("single instance: message is not JSON-serialisable")
            return False
        if parse_message(payload) is None:
            return False  # the receiver would drop it anyway; parse_message logged why
        deadline = QDeadlineTimer(max(timeout_ms, 0))
        socket = QLocalSocket()
        try:
            while True:
                # Read each time: the first copy may hold the lock but not have written it yet.
                address = self._read_address()
                if address is not None:
                    socket.connectToServer(address)
                    remaining = max(1, int(deadline.remainingTime()))
                    if socket.waitForConnected(min(remaining, 500)):
                        break
                    socket.abort()
                if deadline.hasExpired():
                    log.info("single instance: no running copy answers for %s", self.name)
                    return False
                # Not listening yet (the first copy is starting): wait a moment, retry.
                time.sleep(min(_CONNECT_RETRY_MS, max(1, deadline.remainingTime())) / 1000)
            socket.write(payload)
            while socket.bytesToWrite() > 0:
                if deadline.hasExpired() or not socket.waitForBytesWritten(
                    max(1, int(deadline.remainingTime()))
                ):
                    log.info("single instance: could not deliver the message in time")
                    return False
            socket.disconnectFromServer()
            if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
                socket.waitForDisconnected(max(1, int(deadline.remainingTime())))
            return True
        finally:
            socket.abort()

    # ---- server side -----------------------------------------------------------------------

    def _server_answers(self) -> bool:
        address = self._read_address()
        if address is None:
            return False
        probe = QLocalSocket()
        probe.connectToServer(address)
        connected = probe.waitForConnected(300)
        probe.abort()
        return connected

    def _on_new_connection(self) -> None:
        server = self._server
        while server is not None and server.hasPendingConnections():
            socket = server.nextPendingConnection()
            if socket is None:
                break
            self._buffers[socket] = bytearray()
            socket.readyRead.connect(lambda s=socket: self._on_ready_read(s))
            socket.disconnected.connect(lambda s=socket: self._finish(s))
            # A child of the socket, so it dies with it (no timer outlives its connection).
            idle_timer = QTimer(socket)
            idle_timer.setSingleShot(True)
            idle_timer.timeout.connect(lambda s=socket: self._drop(s))
            idle_timer.start(_CLIENT_IDLE_MS)
            # Data may have arrived before the signals were connected.
            if socket.bytesAvailable():
                self._on_ready_read(socket)

    def _on_ready_read(self, socket: QLocalSocket) -> None:
        buffer = self._buffers.get(socket)
        if buffer is None:
            return
        buffer += bytes(socket.readAll().data())
        newline = buffer.find(b"\n")
        if newline >= 0:
            self._deliver(bytes(buffer[:newline]))
            self._drop(socket)
        elif len(buffer) > MAX_MESSAGE_BYTES:
            log.info("single instance: ignored a message over %d bytes", MAX_MESSAGE_BYTES)
            self._drop(socket)

    def _finish(self, socket: QLocalSocket) -> None:
        """The client hung up: accept a last line without its newline, then forget it."""
        buffer = self._buffers.get(socket)
        if buffer is None:
            return
        buffer += bytes(socket.readAll().data())
        if buffer.strip():
            self._deliver(bytes(buffer.split(b"\n", 1)[0]))
        self._drop(socket)

    def _drop(self, socket: QLocalSocket) -> None:
        if self._buffers.pop(socket, None) is None:
            return
        socket.readyRead.disconnect()
        socket.disconnected.disconnect()
        socket.abort()
        # Detached from the server, so deleting the server (or this object) never deletes a
        # socket that already has a deferred delete pending; PySide crashes on that. The set
        # keeps the wrapper alive until Qt has deleted the socket (we may be inside one of its
        # signals right now).
        socket.setParent(None)
        self._closing.add(socket)
        socket.destroyed.connect(self._forget_deleted_sockets)
        socket.deleteLater()

    def _forget_deleted_sockets(self) -> None:
        self._closing = {s for s in self._closing if shiboken6.isValid(s)}

    def _deliver(self, line: bytes) -> None:
        message = parse_message(line)
        if message is not None:
            self.message_received.emit(message)

