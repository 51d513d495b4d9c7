"""Planning and submitting an import take a number of queries that does not grow with its rows (only with its
groups, each one registration as in the dialog)."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parcelback.instruction_imports import services

from ..factories import ReverseOrderFactory
from .helpers import rows_of, self_pickup

pytestmark = pytest.mark.django_db


def queries(world, size: int) -> tuple[int, int]:
    orders = [ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1) for _ in range(size)]
    rows = rows_of(*[(o.number, self_pickup()) for o in orders])
    with CaptureQueriesContext(connection) as planning:
        planned = services.plan(actor=world.merchant1, rows=rows)
        record = services.record(actor=world.merchant1, file_name="x.xlsx", planned=planned)
    with CaptureQueriesContext(connection) as submitting:
        services.submit(actor=world.merchant1, import_id=record.pk, only_valid=False)
    return len(planning), len(submitting)


def test_the_queries_do_not_grow_with_the_rows(world):
    assert queries(world, 3) == queries(world, 40)
