"""The staff directory the relay routes by: who is who in the Ringostat project.

Provisioning writes it (``directory.json``, not secret) from the Ringostat staff list; the
relay reads it at start and again on ``SIGHUP``. An event names its agent by e-mail, SIP login,
staff ID or extension; a forwarding step may name a department. The directory turns each of
those into the staff IDs the subjects are keyed by (:mod:`.subjects`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ringohunt_desktop.domain import StaffMember

FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class AgentEntry:
    staff_id: int
    name: str = ""
    email: str = ""
    extension: str = ""
    sip_logins: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()

    @classmethod
    def from_staff(cls, member: StaffMember) -> AgentEntry:
        return cls(member.staff_id, member.name, member.email.strip().lower(), member.extension,
                   member.sip_logins, member.departments)

    def to_json(self) -> dict[str, Any]:
        return {"staff_id": self.staff_id, "name": self.name, "email": self.email,
                "extension": self.extension, "sip_logins": list(self.sip_logins),
                "departments": list(self.departments)}

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> AgentEntry:
        staff_id = int(item["staff_id"])
        if staff_id <= 0:
            raise ValueError(f"staff_id must be positive, not {staff_id}")
        return cls(staff_id, str(item.get("name") or ""),
                   str(item.get("email") or "").strip().lower(),
                   str(item.get("extension") or ""),
                   tuple(str(s) for s in item.get("sip_logins") or ()),
                   tuple(str(d) for d in item.get("departments") or ()))


@dataclass(slots=True)
class StaffDirectory:
    project: str
    agents: tuple[AgentEntry, ...] = ()
    _index: dict[tuple[str, str], tuple[int, ...]] = field(default_factory=dict, repr=False)
    _by_id: dict[int, AgentEntry] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        index: dict[tuple[str, str], list[int]] = {}
        for agent in self.agents:
            self._by_id[agent.staff_id] = agent
            keys = [("staff_id", str(agent.staff_id)), ("email", agent.email.lower()),
                    ("extension", agent.extension),
                    *(("sip_login", login.lower()) for login in agent.sip_logins),
                    *(("department", dept.strip().lower()) for dept in agent.departments)]
            for key in keys:
                if key[1]:
                    index.setdefault(key, []).append(agent.staff_id)
        self._index = {key: tuple(dict.fromkeys(ids)) for key, ids in index.items()}

    @classmethod
    def from_staff(cls, project: str, members: Iterable[StaffMember]) -> StaffDirectory:
        return cls(project, tuple(AgentEntry.from_staff(member) for member in members))

    def agent(self, staff_id: int) -> AgentEntry | None:
        return self._by_id.get(staff_id)

    def lookup(self, kind: str, value: str) -> tuple[int, ...]:
        """Staff IDs for one identity; ``kind`` is staff_id, email, extension, sip_login or
        department. Case-insensitive; unknown values give ``()``."""
        return self._index.get((kind, value.strip().lower()), ())

    def to_json(self) -> dict[str, Any]:
        return {"version": FORMAT_VERSION, "project": self.project,
                "agents": [agent.to_json() for agent in self.agents]}

    @classmethod
    def from_json(cls, payload: Any) -> StaffDirectory:
        if not isinstance(payload, Mapping) or payload.get("version") != FORMAT_VERSION:
            raise ValueError(f"not a version-{FORMAT_VERSION} RingoHunt staff directory")
        agents = payload.get("agents")
        if not isinstance(agents, list):
            raise ValueError("the staff directory has no list of agents")
        return cls(str(payload.get("project") or ""),
                   tuple(AgentEntry.from_json(item) for item in agents))

    @classmethod
    def load(cls, path: Path) -> StaffDirectory:
        try:
            return cls.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"cannot read the staff directory {path}: {exc}") from exc

    def save(self, path: Path) -> None:
        """Written whole to a temporary file, then renamed: a relay reloading on SIGHUP
        never reads half a file."""
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1),
                             encoding="utf-8")
        os.replace(temporary, path)


__all__ = ["AgentEntry", "StaffDirectory"]
