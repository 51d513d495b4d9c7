"""The reverse leg: parcels that came back (`orders`), what the merchant said to do with them and what the warehouse
did (`handling`), and what happened, kept (`history`). Import from here: `from .models import ReverseOrder`."""
from .handling import (
    PICKUP_CODE_MAX_WRONG,
    DestructionConfirmation,
    DisputeOutcome,
    EvidenceFile,
    ExceptionComment,
    ExceptionFile,
    Execution,
    ExecutionAcceptance,
    OrderException,
    PickupCode,
    PickupRegistration,
)
from .history import Event, EventKind, ExportJob
from .orders import (
    CANCEL_REASON_LENGTH,
    PICKUP_CODE_LENGTH,
    AcceptanceState,
    BusinessMode,
    CargoOwner,
    DeadlinePolicy,
    ExceptionState,
    NumberSequence,
    OrderLine,
    PickupMethod,
    ReverseOrder,
    ReverseOrderQuerySet,
    ReverseType,
    Status,
    choice_label,
    max_length,
)
from .saved_views import (
    MAX_SHARED_VIEWS,
    MAX_VIEWS_PER_PERSON,
    SAVED_VIEW_NAME_LENGTH,
    SAVED_VIEW_QUERY_LENGTH,
    SavedView,
)

__all__ = [
    "CANCEL_REASON_LENGTH", "PICKUP_CODE_LENGTH", "PICKUP_CODE_MAX_WRONG", "AcceptanceState", "BusinessMode",
    "CargoOwner", "DeadlinePolicy", "DestructionConfirmation", "DisputeOutcome", "Event", "EventKind", "EvidenceFile",
    "ExceptionComment", "ExceptionFile", "ExceptionState", "Execution", "ExecutionAcceptance", "ExportJob",
    "NumberSequence", "OrderException", "OrderLine", "PickupCode", "PickupMethod", "PickupRegistration", "ReverseOrder", "ReverseOrderQuerySet", "ReverseType", "Status",
    "choice_label", "max_length",
    "MAX_SHARED_VIEWS", "MAX_VIEWS_PER_PERSON", "SAVED_VIEW_NAME_LENGTH", "SAVED_VIEW_QUERY_LENGTH", "SavedView",
]
