"""Which call source a configuration gets: the only place that chooses. No Qt: the tray app
(services/assembly) and the ``watch`` command both ask here.
"""

from __future__ import annotations

from ringohunt_desktop.config import Config
from ringohunt_desktop.core.polling import CallPoller, PollingSource
from ringohunt_desktop.core.session import Agent, Session, broker_binding
from ringohunt_desktop.core.source import CallSource
from ringohunt_desktop.core.subscription import AgentLink, Reconciler, SubscriptionSource
from ringohunt_desktop.store.calls import CallStore


def call_source(config: Config, session: Session, agent: Agent, calls: CallStore
                ) -> CallSource:
    """Polling Ringostat, or the agent's subscription on the call server (with polling as
    its stand-in only where the admin allowed it)."""
    polling = PollingSource(
        CallPoller(session.ringostat, agent.identity, interval=config.poll_interval,
                   resume_from=calls.latest_started_at()),
        interval=config.poll_interval)
    if not config.subscribes:
        return polling
    link = AgentLink(broker_binding(config, agent.member.staff_id),
                     connect_timeout=config.request_timeout)
    return SubscriptionSource(
        link, agent.identity,
        reconciler=Reconciler(session.ringostat, resume_from=calls.latest_started_at()),
        fallback=polling if config.poll_fallback else None)


async def close_source(source: CallSource) -> None:
    """Release what a source holds open (a subscription's link to the call server)."""
    if isinstance(source, SubscriptionSource):
        await source.close()


__all__ = ["call_source", "close_source"]
