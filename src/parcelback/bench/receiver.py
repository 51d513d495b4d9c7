"""A webhook receiver on 127.0.0.1 for the benchmark's webhook paths: it counts every message id, so a duplicate shows."""
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Hook(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keeps connections open, as a real receiver (nginx, a load balancer) does

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        time.sleep(self.server.delay)
        with self.server.lock:
            self.server.seen[self.headers.get("webhook-id", "")] += 1
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


class Receiver(ThreadingHTTPServer):
    """Accepts every webhook with 204 (after `delay` seconds, as a remote receiver would take) and counts each
    message id, so a duplicate delivery shows."""

    daemon_threads = True
    request_queue_size = 256  # many senders at once must not be refused at the door

    def __init__(self):
        self.seen: Counter[str] = Counter()
        self.delay = 0.0
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Hook)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/webhooks"

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
