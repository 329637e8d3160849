"""Zalo's ZNS endpoint for tests: a small HTTP server in a thread of the test process.

It answers as ZNS does (HTTP 200 with `{"error": 0, "data": {"msg_id": …}}`, or a
negative `error`), keeps every message it took, and can be told how to answer the next
calls: a wrong token, a rate limit, a refused template, or a stall longer than the
client's timeout (after which it still keeps the message, as ZNS would).

`delivery_report` writes the webhook call Zalo makes once a message reached the phone
(``user_received_message``), signed as Zalo signs it."""

import contextlib
import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ANSWERS = {
    "bad_token": {"error": -124, "message": "Access token is invalid"},
    "rate_limit": {"error": -32, "message": "Request exceeds limit"},
    "template_refused": {"error": -131, "message": "Template is not approved"},
}


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:  # quiet
        pass

    def do_POST(self) -> None:
        zns: FakeZns = self.server.zns
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        zns.calls.append(body)
        mode = zns.next_mode()
        if self.headers.get("access_token") != zns.token:
            mode = "bad_token"
        if mode == "stall":
            zns.taken.append(body)  # ZNS has it; the answer comes too late
            time.sleep(zns.stall_seconds)
            answer = {"error": 0, "message": "Success", "data": {"msg_id": "late"}}
        elif mode == "http_429":
            self.send_response(429)
            self.end_headers()
            return
        elif mode in ANSWERS:
            answer = ANSWERS[mode]
        else:
            zns.taken.append(body)
            answer = {
                "error": 0,
                "message": "Success",
                "data": {"msg_id": f"msg-{len(zns.taken)}", "sent_time": str(int(time.time()))},
            }
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(data)


class FakeZns:
    def __init__(self, token: str = "test-token"):
        self.token = token
        self.calls: list[dict] = []  # every request
        self.taken: list[dict] = []  # the messages ZNS accepted (or kept while stalling)
        self.modes: list[str] = []
        self.stall_seconds = 2.0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.zns = self
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/message/template"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def next_mode(self) -> str:
        return self.modes.pop(0) if self.modes else "ok"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


def delivery_report(
    message: dict, *, app_id: str, secret: str, msg_id: str = "", at: float | None = None
) -> tuple[bytes, dict]:
    """The body and headers of Zalo's report that `message` (a request ZNS took) reached
    the phone: X-ZEvent-Signature = "mac=" + sha256(app id + body + timestamp + secret)."""
    now = int((time.time() if at is None else at) * 1000)
    event = {
        "app_id": app_id,
        "event_name": "user_received_message",
        "sender": {"id": "oa-1"},
        "recipient": {"id": "user-1"},
        "message": {
            "msg_id": msg_id,
            "tracking_id": message.get("tracking_id", ""),
            "delivery_time": str(now - 1000),
        },
        "timestamp": str(now),
    }
    body = json.dumps(event).encode()
    mac = hashlib.sha256(app_id.encode() + body + str(now).encode() + secret.encode())
    return body, {"X-ZEvent-Signature": f"mac={mac.hexdigest()}"}
