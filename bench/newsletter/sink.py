"""A local SMTP sink for the newsletter benchmark: accepts every message, counts it, keeps nothing.

Usage: python bench/newsletter/sink.py PORT [--aiosmtpd]      (prints "received N BYTES" on SIGTERM)

Two implementations:
- default: a minimal asyncio SMTP server (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) that
  scans DATA for the terminator in bulk, so it can swallow messages as fast as a real MTA;
- --aiosmtpd: aiosmtpd's Controller. It parses DATA line by line in Python and tops out at a few
  dozen 25 KB messages per second on a small machine, so it measures itself rather than the sender.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
import threading

TERMINATOR = b"\r\n.\r\n"


class Counter:
    messages = 0
    bytes = 0


class SinkProtocol(asyncio.Protocol):
    def connection_made(self, transport: asyncio.Transport) -> None:
        self.transport = transport
        self.buffer = bytearray()
        self.in_data = False
        self.recipients = 0
        transport.write(b"220 sink ESMTP ready\r\n")

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while self.buffer:
            if self.in_data:
                end = self.buffer.find(TERMINATOR)
                if end < 0:
                    keep = len(TERMINATOR) - 1  # a terminator may straddle two reads
                    Counter.bytes += max(len(self.buffer) - keep, 0)
                    del self.buffer[:-keep]
                    return
                Counter.bytes += end
                Counter.messages += self.recipients
                del self.buffer[: end + len(TERMINATOR)]
                self.in_data, self.recipients = False, 0
                self.transport.write(b"250 2.0.0 OK queued\r\n")
                continue
            newline = self.buffer.find(b"\r\n")
            if newline < 0:
                return
            line = bytes(self.buffer[:newline])
            del self.buffer[: newline + 2]
            self.command(line[:4].upper())

    def command(self, verb: bytes) -> None:
        write = self.transport.write
        if verb == b"EHLO":
            write(b"250-sink\r\n250-8BITMIME\r\n250-PIPELINING\r\n250 SIZE 52428800\r\n")
        elif verb == b"RCPT":
            self.recipients += 1
            write(b"250 2.1.5 OK\r\n")
        elif verb == b"DATA":
            self.in_data = True
            write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
        elif verb == b"RSET":
            self.recipients = 0
            write(b"250 2.0.0 OK\r\n")
        elif verb == b"QUIT":
            write(b"221 2.0.0 Bye\r\n")
            self.transport.close()
        elif verb in (b"HELO", b"MAIL", b"NOOP"):
            write(b"250 OK\r\n")
        else:
            write(b"502 5.5.2 Command not recognized\r\n")


def run_fast(port: int, stop: threading.Event) -> None:
    async def serve() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(SinkProtocol, "127.0.0.1", port)
        print("ready", flush=True)
        await loop.run_in_executor(None, stop.wait)
        server.close()

    asyncio.run(serve())


def run_aiosmtpd(port: int, stop: threading.Event) -> None:
    from aiosmtpd.controller import Controller

    class Handler:
        async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
            Counter.messages += len(envelope.rcpt_tos)
            Counter.bytes += len(envelope.content)
            return "250 OK"

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    stop.wait()
    controller.stop()


def main() -> None:
    port = int(sys.argv[1])
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    (run_aiosmtpd if "--aiosmtpd" in sys.argv else run_fast)(port, stop)
    print(f"received {Counter.messages} {Counter.bytes}", flush=True)


if __name__ == "__main__":
    main()
