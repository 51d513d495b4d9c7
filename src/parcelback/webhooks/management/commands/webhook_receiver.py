"""`parcelback webhook_receiver --secret whsec_...`: a local receiver that checks each webhook's signature and
prints it, to try webhooks end to end without writing a receiver first."""
import hmac
import json
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

from django.core.management.base import BaseCommand

from parcelback.webhooks import signing

TOLERANCE = 300  # seconds, as Standard Webhooks recommends against replays


class Command(BaseCommand):
    help = "Listen for webhooks on 127.0.0.1, verify their Standard Webhooks signature and print them."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=9000)
        parser.add_argument("--secret", required=True, help="the endpoint's whsec_... secret")

    def handle(self, *args, port, secret, **options):
        out = self.stdout

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                msg_id, stamp = self.headers.get("webhook-id", ""), self.headers.get("webhook-timestamp", "0")
                expected = signing.signature(secret, msg_id, int(stamp), body)
                sent = self.headers.get("webhook-signature", "").split()
                fresh = abs(time.time() - int(stamp)) <= TOLERANCE
                ok = fresh and any(hmac.compare_digest(expected, s) for s in sent)
                self.send_response(204 if ok else 401)
                self.end_headers()
                event = json.loads(body) if ok else {}
                verdict = "verified" if ok else "BAD SIGNATURE"
                out.write(f"{verdict} {msg_id} {event.get('type', '')} {event.get('data', {}).get('number', '')}")
                if ok:
                    out.write(json.dumps(event, ensure_ascii=False, indent=2))
                out.flush()

            def log_message(self, *args):
                pass

        out.write(f"Receiving webhooks on http://127.0.0.1:{port}/ (Ctrl-C to stop)")
        out.flush()
        try:
            HTTPServer(("127.0.0.1", port), Handler).serve_forever()
        except KeyboardInterrupt:
            pass
