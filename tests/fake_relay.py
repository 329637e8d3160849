"""A mail relay for tests: a small SMTP server in a thread of the test process.

It keeps every message whose data it received in full, as a real relay queues a message
before it answers the end of the data (so a client that gives up waiting for that answer,
or dies, has still delivered it). It can stall: at its greeting (nothing handed over yet)
or after the data (before its answer), for some seconds or until `release()`.
"""

import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")

    def handle(self) -> None:
        relay: FakeRelay = self.server.relay
        try:
            relay.pause("greeting")
            self.reply("220 fake relay")
            while line := self.rfile.readline():
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    self.reply("250 fake relay")
                elif verb == b"RCPT" and relay.rcpt_reply:
                    self.reply(relay.rcpt_reply)
                elif verb in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                    self.reply("250 OK")
                elif verb == b"DATA":
                    self.reply("354 go ahead")
                    data = []
                    while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                        data.append(chunk)
                    relay.messages.append(b"".join(data))
                    relay.pause("data")
                    self.reply("250 queued")
                elif verb == b"QUIT":
                    self.reply("221 bye")
                    return
                else:
                    self.reply("502 not here")
        except OSError:  # the client went away (killed, or gave up waiting)
            return


class FakeRelay:
    def __init__(self, *, stall_at: str | None = None, stall_seconds: float | None = None):
        self.messages: list[bytes] = []
        self.stall_at, self.stall_seconds = stall_at, stall_seconds
        self.rcpt_reply = ""  # e.g. "550 no such user": refuse every recipient
        self.stalling = threading.Event()  # set once a client is being kept waiting
        self._released = threading.Event()
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.relay = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def pause(self, where: str) -> None:
        if self.stall_at == where:
            self.stalling.set()
            self._released.wait(self.stall_seconds)

    def release(self) -> None:
        """Stop stalling, now and from now on."""
        self.stall_at = None
        self._released.set()

    def __enter__(self) -> "FakeRelay":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()
