import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Receiver:
    """A real HTTP server on 127.0.0.1 that records every webhook and answers with the next scripted status."""

    def __init__(self):
        self.received: list[tuple[dict, bytes]] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def payloads(self) -> list[dict]:
        return [json.loads(body) for _headers, body in self.received]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def allow_private(settings):
    """The local test receivers live on 127.0.0.1, which production refuses: these tests allow it explicitly."""
    settings.PARCELBACK_WEBHOOK_ALLOW_PRIVATE = True


@pytest.fixture
def receiver(allow_private):
    r = Receiver()
    yield r
    r.close()
