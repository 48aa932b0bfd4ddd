"""Loopback simulator of Ringostat and NetHunt: the demo backend, the test backend, the place
where faults are injected.

The credentials it accepts come from the same ``RINGOHUNT_*`` environment variables the app
reads, so one environment configures both sides; without them, the demo defaults below apply.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from ringohunt_desktop.simulator.server import NETHUNT_PREFIX, SimServer, SimState

DEMO_RINGOSTAT_AUTH_KEY = "demo-ringostat-key"
DEMO_RINGOSTAT_PROJECT_ID = "11111"
DEMO_NETHUNT_EMAIL = "demo@ringohunt.test"
DEMO_NETHUNT_API_KEY = "demo-nethunt-key"
DEMO_AGENT = "olena@demo-shop.ua"


@dataclass(frozen=True, slots=True)
class SimCredentials:
    ringostat_auth_key: str = DEMO_RINGOSTAT_AUTH_KEY
    ringostat_project_id: str = DEMO_RINGOSTAT_PROJECT_ID
    nethunt_email: str = DEMO_NETHUNT_EMAIL
    nethunt_api_key: str = DEMO_NETHUNT_API_KEY
    agent: str = DEMO_AGENT  # whose calls the generator makes by default

    def __repr__(self) -> str:
        return f"SimCredentials(project={self.ringostat_project_id!r}, agent={self.agent!r})"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SimCredentials:
        env = os.environ if env is None else env
        return cls(
            ringostat_auth_key=env.get("RINGOHUNT_RINGOSTAT_AUTH_KEY") or DEMO_RINGOSTAT_AUTH_KEY,
            ringostat_project_id=(env.get("RINGOHUNT_RINGOSTAT_PROJECT_ID")
                                  or DEMO_RINGOSTAT_PROJECT_ID),
            nethunt_email=env.get("RINGOHUNT_NETHUNT_EMAIL") or DEMO_NETHUNT_EMAIL,
            nethunt_api_key=env.get("RINGOHUNT_NETHUNT_API_KEY") or DEMO_NETHUNT_API_KEY,
            agent=env.get("RINGOHUNT_AGENT") or DEMO_AGENT,
        )

    def app_environment(self, sim_url: str) -> dict[str, str]:
        """The environment that points the app at a simulator with these credentials."""
        return {
            "RINGOHUNT_RINGOSTAT_URL": sim_url,
            "RINGOHUNT_NETHUNT_URL": sim_url + NETHUNT_PREFIX,
            "RINGOHUNT_RINGOSTAT_AUTH_KEY": self.ringostat_auth_key,
            "RINGOHUNT_RINGOSTAT_PROJECT_ID": self.ringostat_project_id,
            "RINGOHUNT_NETHUNT_EMAIL": self.nethunt_email,
            "RINGOHUNT_NETHUNT_API_KEY": self.nethunt_api_key,
            "RINGOHUNT_AGENT": self.agent,
        }


@dataclass(frozen=True, slots=True)
class SimOptions:
    seed: int = 7
    contacts: int = 300  # size of the seeded Contacts folder (benchmarks use 100000)
    deals: int = 60
    calls_history_days: int = 7  # past calls seeded into calls/list
    calls_per_day: int = 40
    call_every: float | None = None  # seconds between generated live calls; None = only on demand
    # The demo's first live call: incoming, to the configured agent, from a CRM contact, this
    # many seconds after start and ringing long enough for the app to finish starting. A
    # newcomer must see a pop-up at once, not whatever the dice give after a minute.
    # None: the first call is the generator's, ``call_every`` after start.
    first_incoming_after: float | None = None
    calls_cap: int = 6500  # rows per calls/list answer (Ringostat's documented cap)
    feed_cap: int = 10000  # rows per NetHunt trigger answer
    find_empty_as_404: bool = False  # NetHunt's "no match" variant (nethunt-api.md §2.3)
    hygiene_examples: bool = False  # seed people.HYGIENE_CONTACTS: messy numbers of every kind
    # Ringostat's webhooks for every new call, POSTed here (simulator/webhooks.py): the relay's
    # URL with its secret, e.g. "http://127.0.0.1:8080/ringostat?secret=…". None: no webhooks.
    webhook_url: str | None = None
    webhook_alias_rate: float = 0.3  # deliveries using aliases / nested additional_call_data
    webhook_duplicate_rate: float = 0.2  # deliveries sent twice
    webhook_late_rate: float = 0.1  # deliveries held back by ~webhook_late_seconds
    webhook_late_seconds: float = 2.0
    webhook_retry_delay: float = 1.0  # before each of the 3 retries after a non-2xx answer


class Simulator:
    """Both services on one loopback port, running on a background thread."""

    def __init__(self, credentials: SimCredentials | None = None,
                 options: SimOptions | None = None, *, host: str = "127.0.0.1",
                 port: int = 0) -> None:
        from ringohunt_desktop.simulator import nethunt, ringostat, webhooks

        self.credentials = credentials or SimCredentials()
        self.options = options or SimOptions()
        self.state = SimState(seed=self.options.seed)
        self.webhooks: webhooks.WebhookEmitter | None = None
        routes = [
            *nethunt.install(self.state, self.credentials, self.options),
            *ringostat.install(self.state, self.credentials, self.options),
        ]
        self._server = SimServer(self.state, routes, host=host, port=port)
        if self.options.webhook_url:
            opts = self.options
            self.webhooks = webhooks.WebhookEmitter(
                self.options.webhook_url, self.state, recordings_base=self.url,
                project_id=self.credentials.ringostat_project_id, seed=opts.seed,
                alias_rate=opts.webhook_alias_rate, duplicate_rate=opts.webhook_duplicate_rate,
                late_rate=opts.webhook_late_rate, late_seconds=opts.webhook_late_seconds,
                retry_delay=opts.webhook_retry_delay)
            # Only calls from now on: the seeded history happened before the relay existed.
            self.service_data("ringostat").on_new_call = self.webhooks.schedule
        self._server.add_routes(webhooks.webhook_routes(self.webhooks))

    @property
    def url(self) -> str:
        return self._server.url

    @property
    def port(self) -> int:
        return self._server.port

    @property
    def ringostat_url(self) -> str:
        return self.url

    @property
    def nethunt_url(self) -> str:
        return self.url + NETHUNT_PREFIX

    def app_environment(self) -> dict[str, str]:
        return self.credentials.app_environment(self.url)

    def start(self) -> Simulator:
        self._server.start()
        from ringohunt_desktop.simulator import ringostat

        ringostat.start_generator(self.state, self.options)
        if self.webhooks is not None:
            self.webhooks.start()
        return self

    def serve_forever(self) -> None:
        from ringohunt_desktop.simulator import ringostat

        ringostat.start_generator(self.state, self.options)
        if self.webhooks is not None:
            self.webhooks.start()
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.stop()
        if self.webhooks is not None:
            self.webhooks.join()

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def service_data(self, name: str) -> Any:
        return self.state.services[name]
