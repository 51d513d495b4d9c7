"""One function per action, each in the module of its part of the flow. Every action runs the same steps in one
transaction (`steps`): lock (or conditionally update) → check → change → timeline event → outbox row.

Refusals raise `Refused` before anything is written; a batch is all or nothing. Callers use `services.<action>`.
"""
from .acceptance import Dispute, accept_unanswered, answer_executions
from .deadlines import REMINDER_DAYS, flag_overdue, remind_deadlines
from .execution import cancel, destroy, forward, hand_over
from .export_jobs import start_export
from .instructions import (
    Registered,
    confirm_destruction,
    likely_contact_typos,
    register_pickup,
)
from .intake import (
    Created,
    NewLine,
    NewOrder,
    allocate_numbers,
    check_new_orders,
    create_orders,
    deadline_days,
    record_arrival,
)
from .order_exceptions import Outcome, comment_exception, raise_exception, resolve_exception
from .pickup_codes import Reissued, hash_pickup_code, reissue_pickup_code
from .saved_views import delete_view, list_query, rename_view, save_view

__all__ = [
    "REMINDER_DAYS",
    "Dispute",
    "Outcome",
    "accept_unanswered",
    "answer_executions",
    "Created",
    "NewLine",
    "NewOrder",
    "Registered",
    "Reissued",
    "allocate_numbers",
    "cancel",
    "check_new_orders",
    "comment_exception",
    "confirm_destruction",
    "create_orders",
    "deadline_days",
    "delete_view",
    "destroy",
    "flag_overdue",
    "forward",
    "hand_over",
    "hash_pickup_code",
    "likely_contact_typos",
    "list_query",
    "raise_exception",
    "record_arrival",
    "register_pickup",
    "reissue_pickup_code",
    "remind_deadlines",
    "rename_view",
    "resolve_exception",
    "save_view",
    "start_export",
]
