"""A small HTTP server on 127.0.0.1 that replays recorded payloads to code under test.

Remote sources (openSenseMap, Stadtwerke, other portals) are never called
from tests; a ReplayServer stands in for them with real recorded files from
../shared/fixtures and ../shared/dcat.
"""
import http.server
import os
import pathlib
import threading
import time

SHARED = pathlib.Path(
    os.environ.get("SCMS_SHARED")
    or pathlib.Path(__file__).resolve().parents[1].parent / "shared")


def shared_file(relative):
    path = SHARED / relative
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: tests need the read-only shared/ folder "
            "beside the repository (or SCMS_SHARED pointing at it)")
    return path


class Response:
    def __init__(self, body=b"", status=200, content_type="application/octet-stream",
                 headers=None, delay=0):
        # A callable body is a recipe the test applies to a payload it builds later.
        self.body_factory = body if callable(body) else None
        body = b"" if callable(body) else body
        self.body = body if isinstance(body, bytes) else body.encode("utf-8")
        self.status = status
        self.content_type = content_type
        self.headers = headers or {}
        self.delay = delay  # seconds before answering: a source that times out


class ReplayServer:
    """Serves `routes` on a free port: path (with or without query string) ->
    a Response, or a list of Responses given in turn (the last one repeats)."""

    def __init__(self):
        self.routes = {}
        self.requests = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(self.path)
                response = server.routes.get(self.path) or server.routes.get(
                    self.path.split("?")[0]) or Response(b"not found", 404, "text/plain")
                if isinstance(response, list):  # answers in turn; the last one repeats
                    response = response.pop(0) if len(response) > 1 else response[0]
                if response.delay:
                    time.sleep(response.delay)
                self.send_response(response.status)
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(response.body)))
                for name, value in response.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    self.wfile.write(response.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout or size limit): expected in tests

            def log_message(self, *args):
                pass

        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self):
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path):
        return self.base_url + path

    def serve_file(self, path, relative, content_type):
        self.routes[path] = Response(shared_file(relative).read_bytes(), 200, content_type)
        return self.url(path)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._httpd.shutdown()
        self._httpd.server_close()
