"""A webhook receiver for Qualify's tests: verifies every request with the independent `standardwebhooks` package
(PyPI) and appends one JSON line per request to a file: the webhook-id, whether the signature verified, the body.

    python3 webhook_receiver.py PORT SECRET OUTFILE [--fail-first N] [--delay-ms N]

SECRET may be @FILE: the secret is read from FILE at the first request (the test learns it after the receiver's port).

Answers 204 to a verified request, 401 to one that does not verify, 503 to the first N requests with --fail-first;
with --delay-ms, waits that long before reading each request (a slow receiver).
Prints "listening PORT" once it listens (port 0 picks a free one).
"""
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook

port, secret, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
fail_first = int(sys.argv[sys.argv.index("--fail-first") + 1]) if "--fail-first" in sys.argv else 0
delay = int(sys.argv[sys.argv.index("--delay-ms") + 1]) / 1000 if "--delay-ms" in sys.argv else 0
seen = {"n": 0, "hook": None}


def verifier():
    if seen["hook"] is None:
        seen["hook"] = Webhook(open(secret[1:]).read().strip() if secret.startswith("@") else secret)
    return seen["hook"]


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        if delay:
            time.sleep(delay)
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        seen["n"] += 1
        if seen["n"] <= fail_first:
            self.send_response(503)
            self.end_headers()
            self.wfile.write(b"not yet")
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            payload = verifier().verify(body, headers)
            verified = True
        except Exception as error:  # the verifier's own error, recorded for the test to read
            payload, verified = {"error": str(error)}, False
        with open(out, "a") as f:
            f.write(json.dumps({"id": headers.get("webhook-id"), "verified": verified, "body": payload}) + "\n")
        self.send_response(204 if verified else 401)
        self.end_headers()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
print("listening", server.server_address[1], flush=True)
server.serve_forever()
