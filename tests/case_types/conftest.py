"""The notification fixtures (an SMTP sink and a server that delivers to it) for reminders."""

from tests.notifications.conftest import mail, notify_overrides, nserver, standin

__all__ = ["mail", "notify_overrides", "nserver", "standin"]
