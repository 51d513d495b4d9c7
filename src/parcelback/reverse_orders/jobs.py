"""Background work on reverse orders, run periodically by `parcelback worker`."""
from datetime import datetime

from . import services


def sweep_deadlines(*, now: datetime | None = None) -> dict[str, int]:
    """Reminders 3 days and 1 day before the instruction deadline, then the automatic "overdue" exception."""
    return {"reminded": services.remind_deadlines(now=now), "overdue": services.flag_overdue(now=now)}
