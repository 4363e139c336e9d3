"""The guarded client for programs that send their own requests: a forward
proxy on loopback that judges every connection as `http.check_target` does.

ckanext-xloader downloads linked tables itself, with `requests`, after our
check of the link (datastore/uploads.py). A server that answers that check
harmlessly and the second request with a redirect to an internal address, or
a name that resolves elsewhere the second time, would reach the inside. With
`ckan.download_proxy` pointing here, xloader's every request and redirect hop
passes through this proxy, which resolves the target once, judges every
address, and connects to the address it judged (no second resolution).
Besides the public internet and the allowances for the purpose
`table_import` (none outside the tests), it lets through the one address
xloader fetches uploaded files from (`ckanext.xloader.site_url`, often
loopback). Each connection has a deadline
and a byte cap.

Run: `ckan smartcityms outbound-proxy --port N` (bin/portal starts it).
"""
import http.client
import logging
import select
import socket
import socketserver
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

import ckan.plugins.toolkit as tk

from ckanext.smartcityms.outbound import http as guarded

log = logging.getLogger(__name__)

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
              "transfer-encoding", "upgrade", "proxy-connection"}
CHUNK = 64 * 1024


def _own_site():
    """(host, port) xloader fetches uploads from, or None."""
    site = tk.config.get("ckanext.xloader.site_url") or tk.config.get("ckan.site_url") or ""
    parts = urlsplit(site)
    if not parts.hostname:
        return None
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def judged_address(host, port):
    """The address to connect to for host:port; FetchError with the reason if refused."""
    if _own_site() == (host, port):
        return socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)[0][4][0]
    return guarded.judged_address(host, port, f"{host}:{port}", guarded.TABLE_IMPORT)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "smartcityms-outbound"

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        log.debug("%s " + format, self.client_address[0], *args)

    def _refuse(self, reason):
        log.warning("outbound request refused: %s", reason)
        body = reason.encode("utf-8")
        self.send_response(403, "Refused by the portal's outbound guard")
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def do_CONNECT(self):
        host, _, port = self.path.rpartition(":")
        try:
            address = judged_address(host.strip("[]"), int(port))
            upstream = socket.create_connection((address, int(port)), timeout=self.server.timeout_seconds)
        except (guarded.FetchError, ValueError, OSError) as error:
            return self._refuse(f"{self.path[:200]}: {error}")
        self.send_response(200, "Connection established")
        self.end_headers()
        self._tunnel(self.connection, upstream)

    def _tunnel(self, client, upstream):
        deadline = time.monotonic() + self.server.timeout_seconds
        moved = 0
        try:
            while time.monotonic() < deadline and moved <= self.server.max_bytes:
                readable, _, _ = select.select([client, upstream], [], [], 1.0)
                for source in readable:
                    data = source.recv(CHUNK)
                    if not data:
                        return
                    (upstream if source is client else client).sendall(data)
                    moved += len(data)
        finally:
            upstream.close()
            self.close_connection = True

    def _forward(self):
        parts = urlsplit(self.path)
        if parts.scheme != "http" or not parts.hostname:
            return self._refuse(f"{self.path[:200]} is not an absolute http URL")
        port = parts.port or 80
        try:
            address = judged_address(parts.hostname, port)
        except (guarded.FetchError, OSError) as error:
            return self._refuse(f"{self.path[:200]}: {error}")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, self.server.max_bytes)) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        connection = http.client.HTTPConnection(address, port, timeout=self.server.timeout_seconds)
        try:
            target = (parts.path or "/") + ("?" + parts.query if parts.query else "")
            connection.request(self.command, target, body=body, headers=headers)
            answer = connection.getresponse()
            self.send_response(answer.status, answer.reason)
            for key, value in answer.getheaders():
                if key.lower() not in HOP_BY_HOP and key.lower() != "content-length":
                    self.send_header(key, value)
            self.send_header("Connection", "close")
            self.end_headers()
            deadline, sent = time.monotonic() + self.server.timeout_seconds, 0
            while time.monotonic() < deadline and sent <= self.server.max_bytes:
                chunk = answer.read(CHUNK)
                if not chunk:
                    break
                self.wfile.write(chunk)
                sent += len(chunk)
        except OSError as error:
            log.warning("outbound request failed: %s: %s", self.path[:200], error)
        finally:
            connection.close()
            self.close_connection = True

    do_GET = do_HEAD = do_POST = _forward


class ProxyServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port, timeout_seconds, max_bytes):
        self.timeout_seconds, self.max_bytes = timeout_seconds, max_bytes
        super().__init__(("127.0.0.1", port), Handler)
