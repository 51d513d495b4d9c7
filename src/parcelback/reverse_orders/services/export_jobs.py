"""Exports too large to stream become jobs for the worker."""

from django.http import QueryDict

from parcelback.accounts.actors import Actor
from parcelback.core.errors import Code, Refused

from .. import exports, selectors
from ..models import (
    ExportJob,
)


def start_export(*, actor: Actor, params: str, fmt: str, language: str, time_zone: str) -> ExportJob:
    """A list too large to stream in one request becomes a job for the worker; anyone who may read may export.
    `params` is the list page's query string: the job exports what the actor sees under those filters."""
    if actor.role is None or actor.user_id is None:
        raise Refused(Code.NOT_PERMITTED)
    if fmt not in exports.FORMATS:
        raise Refused(Code.INVALID, field="fmt")
    total = selectors.order_list(actor=actor, params=QueryDict(params)).qs.count()
    return ExportJob.objects.create(
        user_id=actor.user_id, params=params, fmt=fmt, total=total, language=language, time_zone=time_zone
    )
