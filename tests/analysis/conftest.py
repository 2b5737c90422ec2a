"""Fixtures for ingest and analysis: real media from ../shared, a private media store, JSONL files,
and a local HTTP server (127.0.0.1 only) for URL media."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.analysis.helpers import RUNWAY_PHOTO


@pytest.fixture
def media_store(settings, tmp_path) -> Path:
    """Every test stores media in its own folder."""
    settings.MEDIA_ROOT = tmp_path / "store"
    return settings.MEDIA_ROOT


@pytest.fixture
def write_jsonl(tmp_path) -> Callable[[list], Path]:
    """write_jsonl([dict | raw str, ...]) -> path of a JSONL file (strings are written verbatim)."""

    def write(lines: list, name: str = "posts.jsonl") -> Path:
        path = tmp_path / name
        with path.open("w", encoding="utf-8") as handle:
            for line in lines:
                handle.write((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n")
        return path

    return write


class MediaServer:
    """Serves real photo bytes, a stalled response, a 404, and a body without Content-Length."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.photo = RUNWAY_PHOTO.read_bytes()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                if self.path == "/photo.jpg":
                    self.send_response(200)
                    self.send_header("Content-Type", "image/jpeg")
                    self.send_header("Content-Length", str(len(server.photo)))
                    self.end_headers()
                    self.wfile.write(server.photo)
                elif self.path == "/stream.jpg":
                    # No Content-Length: only counting while reading can enforce the cap.
                    self.send_response(200)
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(server.photo)
                    self.close_connection = True
                elif self.path == "/stall.jpg":
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(server.photo)))
                    self.end_headers()
                    self.wfile.write(server.photo[:100])
                    self.wfile.flush()
                    server.release.wait(30)  # until the test ends; the client must give up first
                else:
                    self.send_error(404, "Not Found")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"


@pytest.fixture
def media_server() -> Iterator[MediaServer]:
    server = MediaServer()
    server.thread.start()
    yield server
    server.release.set()
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture(scope="session")
def embedding_model():
    """The real MiniLM, loaded once for the whole test session (tests marked `ml` use it)."""
    from analysis.embeddings import get_model

    return get_model()
