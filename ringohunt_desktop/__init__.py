"""RingoHunt Desktop: Ringostat calls and NetHunt CRM contacts on the agent's desktop."""

__version__ = "0.1.0"
APP_NAME = "RingoHunt Desktop"
APP_ID = "ringohunt-desktop"
ORG_NAME = "RingoHunt"
