"""`parcelback serve` starts gunicorn with limits that suit the console."""
from django.core.management import call_command

from parcelback.core.management.commands import serve


def test_serve_lifts_gunicorns_request_line_limit_for_pasted_numbers(monkeypatch):
    started = []
    monkeypatch.setattr(serve, "call_command", lambda *args, **kwargs: None)  # no collectstatic in a test
    monkeypatch.setattr(serve.os, "execv", lambda path, argv: started.append(argv))
    call_command("serve", "--port", "8123", "--workers", "2")
    argv = started[0]
    assert argv[argv.index("--limit-request-line") + 1] == "0"
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8123" and argv[argv.index("--workers") + 1] == "2"
