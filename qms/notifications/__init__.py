"""Notifications: what domain events and due dates tell people, in the app and by email.

The public face the domain modules use: ``notify`` (from their service layer, in the
event's transaction), ``register_kind``, ``register_reminders``, ``register_calendar``
and the ``Reminder``/``CalendarEntry`` they return. It knows no domain module
(``.importlinter``); the jobs that send and remind run from ``qms jobs run``.
"""
from qms.notifications.registry import (DUE_SOON, OVERDUE, CalendarEntry, Reminder,  # noqa: F401
                                        register_calendar, register_kind, register_reminders)
from qms.notifications.service import notify  # noqa: F401
