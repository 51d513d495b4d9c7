from datetime import datetime, timezone as dt_timezone

from django.template import Context, Template
from django.utils import timezone


def test_month_day_time_writes_the_list_pages_short_time_in_the_users_zone():
    template = Template("{% load orders %}{{ at|month_day_time }}|{{ missing|month_day_time }}")
    at = datetime(2026, 11, 26, 8, 5, tzinfo=dt_timezone.utc)
    with timezone.override("Asia/Shanghai"):
        assert template.render(Context({"at": at, "missing": None})) == "11-26 16:05|"
        assert Template('{{ at|date:"m-d H:i" }}').render(Context({"at": at})) == "11-26 16:05"  # as it replaces
