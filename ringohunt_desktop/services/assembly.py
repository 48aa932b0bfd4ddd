"""Builds the services for one configuration: resolves the agent and the Contacts folder,
then puts the call source (:func:`~ringohunt_desktop.core.sources.call_source`), the
watcher, the CRM lookup, the dialer and the contact sync together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import QObject

from ringohunt_desktop.config import Config
from ringohunt_desktop.core.calltracking import CallTracker, is_mine
from ringohunt_desktop.core.claims import ClaimBoard
from ringohunt_desktop.core.lookup import CallerLookup, FieldMap, PickMemory
from ringohunt_desktop.core.session import Agent, Session
from ringohunt_desktop.core.source import CallSource
from ringohunt_desktop.core.sources import call_source, close_source
from ringohunt_desktop.core.subscription import SubscriptionSource
from ringohunt_desktop.core.sync import ContactSync
from ringohunt_desktop.domain import CallRecord, StaffMember
from ringohunt_desktop.paths import AppPaths
from ringohunt_desktop.services.claims import ClaimService
from ringohunt_desktop.services.crm import CrmService
from ringohunt_desktop.services.dialer import Dialer
from ringohunt_desktop.services.sync_service import SyncService
from ringohunt_desktop.services.watcher import CallWatcher
from ringohunt_desktop.store.calls import CallStore
from ringohunt_desktop.store.contacts import ContactStore
from ringohunt_desktop.store.db import Database
from ringohunt_desktop.store.summaries import SummaryStore
from ringohunt_desktop.store.team import TeamCallStore


@dataclass
class Services:
    """Everything that exists once the agent and the Contacts folder are known."""

    session: Session
    agent: Agent
    staff: list[StaffMember]
    lookup: CallerLookup
    crm: CrmService
    dialer: Dialer
    watcher: CallWatcher
    sync: SyncService
    source: CallSource
    claims: ClaimService | None = None  # subscription mode: the inbox's shared claims

    @property
    def staff_names(self) -> dict[str, str]:
        """Staff e-mail → name (NetHunt names the responsible manager by e-mail)."""
        return {member.email.lower(): member.name for member in self.staff if member.email}

    def start(self) -> None:
        self.watcher.start()
        self.sync.start()
        if self.claims is not None:
            self.claims.start()

    async def stop(self) -> None:
        await self.sync.stop()
        if self.claims is not None:
            await self.claims.stop()
        await self.watcher.stop()
        await close_source(self.source)
        await self.crm.wait_idle()
        await self.dialer.wait_idle()
        await self.session.aclose()


async def build_services(config: Config, paths: AppPaths, database: Database,
                         contacts: ContactStore, calls: CallStore,
                         parent: QObject | None = None,
                         team: TeamCallStore | None = None,
                         summaries: SummaryStore | None = None) -> Services:
    """Raises SetupError (the settings need fixing) or ApiError (a service said no)."""
    session = Session(config)
    try:
        staff = await session.ringostat.staff()
        agent = await session.resolve_agent(staff)
        folder = await session.resolve_contacts_folder()
    except BaseException:
        await session.aclose()
        raise
    lookup = CallerLookup(
        session.nethunt, folder.folder_id, fields=FieldMap.from_config(config),
        region=config.default_region, store=contacts,
        picks=PickMemory(paths.config_dir / "picks.json"),
        workspace_id=config.nethunt_workspace_id, time_zone=config.crm_timezone,
        responsible=agent.member.email or config.nethunt_email)
    source = call_source(config, session, agent, calls)
    tracker = CallTracker(agent.identity,
                          include_unassigned_missed=config.include_unassigned_missed)
    identity = agent.identity

    def record_summaries(found: Mapping[str, str]) -> int:
        assert summaries is not None
        return sum(summaries.add_for_call(call_id, text) for call_id, text in found.items())

    def record_team(rows: list[CallRecord]) -> int:
        # The inbox: the agent's own missed calls and the unassigned ones (nobody took them).
        assert team is not None
        return team.record(rows, lambda call: is_mine(call, identity,
                                                      include_unassigned_missed=True))

    claims = None
    if isinstance(source, SubscriptionSource):
        # On the subscription's own connection: one connection per desktop.
        claims = ClaimService(
            ClaimBoard(source.link, config.ringostat_project_id.strip(),
                       agent_id=agent.member.staff_id, agent_name=agent.member.name),
            region=config.default_region, parent=parent)
    return Services(
        claims=claims, session=session, agent=agent, staff=list(staff), lookup=lookup,
        crm=CrmService(lookup, parent),
        dialer=Dialer(session.ringostat, agent.identity.dial_extension,
                      region=config.default_region, parent=parent),
        watcher=CallWatcher(source, tracker, journal=calls.upsert,
                            team=record_team if team is not None else None,
                            summaries=record_summaries if summaries is not None else None,
                            interval=config.poll_interval, parent=parent),
        sync=SyncService(ContactSync(session.nethunt, folder.folder_id, contacts, database,
                                     lookup.to_contact, phone_field=config.field_phone),
                         parent=parent),
        source=source)
