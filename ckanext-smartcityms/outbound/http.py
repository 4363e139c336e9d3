"""The one guarded HTTP client: every outbound request of the portal (harvesters,
link checker) goes through `fetch_response`; programs that send their own
requests (ckanext-xloader) go through the proxy in `proxy.py`, which judges
addresses with `judged_address` here.

A harvest source or a resource URL is given by an editor and answered by a
server we do not control, so each request is bounded and checked:

* only http and https;
* the target host is resolved and every address it resolves to is judged:
  loopback, private, link-local, multicast, reserved and unspecified
  addresses are refused unless they lie in
  `ckanext.smartcityms.harvest_allowed_networks` (tests, special setups);
* redirects are followed by us, one hop at a time, each hop judged the same
  way (at most MAX_REDIRECTS);
* one deadline for the whole request, redirects and body included (a slow
  trickle cannot outlast it), and a size cap enforced while streaming.

Failures raise FetchError with a sentence meant for the harvest job's list
or the link checker's result.
"""
import ipaddress
import socket
import time
from urllib.parse import urljoin, urlsplit

import requests

import ckan.plugins.toolkit as tk

MAX_REDIRECTS = 5
CHUNK = 64 * 1024


class FetchError(Exception):
    """A download failed; the message is meant for the harvest job's error list."""


class TooLarge(FetchError):
    """The body is larger than the caller's size cap."""


class Fetched:
    def __init__(self, status, reason, headers, body, url):
        self.status, self.reason, self.headers, self.body, self.url = status, reason, headers, body, url

    @property
    def content_type(self):
        return (self.headers.get("Content-Type") or "").split(";", 1)[0].strip()


def allowed_networks():
    configured = tk.config.get("ckanext.smartcityms.harvest_allowed_networks") or ""
    networks = []
    for text in str(configured).replace(",", " ").split():
        networks.append(ipaddress.ip_network(text, strict=False))
    return networks


def _is_public(address):
    return not (address.is_loopback or address.is_private or address.is_link_local or address.is_multicast
                or address.is_reserved or address.is_unspecified
                or (address.version == 6 and address.ipv4_mapped is not None
                    and not _is_public(address.ipv4_mapped)))


def check_target(url):
    """FetchError unless `url` is http(s) to a host whose every address may be reached."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"{url[:200]} is not an http(s) URL")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError(f"{url[:200]} has an invalid port")
    judged_address(parts.hostname, port, url)


def judged_address(host, port, url):
    """The address to connect to for host:port once every address it resolves
    to has been judged; FetchError (naming `url`) for an internal one."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(f"{host} could not be resolved ({error})")
    allowed = allowed_networks()
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if not _is_public(address) and not any(address in network for network in allowed):
            raise FetchError(
                f"{url[:200]} is refused: {host} resolves to {address}, an internal address "
                "(loopback, private, link-local or reserved); harvest sources must be public servers "
                "(ckanext.smartcityms.harvest_allowed_networks allows named ranges)")
    return infos[0][4][0]


def _remaining(deadline, url):
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError(f"{url[:200]} did not answer completely within the time limit")
    return left


def fetch_response(url, *, timeout, max_bytes, headers=None, params=None, session=None, read_body=True,
                   sink=None):
    """GET `url` whatever its status; the body is read only up to `max_bytes`, all within `timeout` s
    (not at all with read_body=False: the status line and headers are the answer).

    With `sink` (a writable binary file), the body is written there as it arrives
    instead of being kept in memory; the answer's body is then empty."""
    session = session or requests.Session()
    deadline = time.monotonic() + timeout
    current, hops = url, 0
    try:
        while True:
            check_target(current)
            left = _remaining(deadline, current)
            with session.get(current, stream=True, timeout=(min(left, 30), left), headers=headers or {},
                             params=params if hops == 0 else None, allow_redirects=False) as response:
                if response.is_redirect:
                    location = response.headers.get("Location", "")
                    hops += 1
                    if hops > MAX_REDIRECTS:
                        raise FetchError(f"{url[:200]} redirected more than {MAX_REDIRECTS} times")
                    current = urljoin(response.url, location)
                    continue
                if not read_body:
                    return Fetched(response.status_code, response.reason, response.headers, b"", response.url)
                declared = response.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > max_bytes:
                    raise TooLarge(f"{current[:200]} is {int(declared):,} bytes, more than the limit of "
                                     f"{max_bytes:,}")
                chunks, size = [], 0
                for chunk in response.iter_content(chunk_size=CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise TooLarge(f"{current[:200]} is larger than the limit of {max_bytes:,} bytes")
                    if sink is not None:
                        sink.write(chunk)
                    else:
                        chunks.append(chunk)
                    _remaining(deadline, current)
                return Fetched(response.status_code, response.reason, response.headers, b"".join(chunks),
                               response.url)
    except requests.exceptions.Timeout:
        raise FetchError(f"{current[:200]} did not answer within {timeout} s")
    except requests.exceptions.ConnectionError as error:
        raise FetchError(f"{current[:200]} could not be reached: {error.__class__.__name__}")
    except requests.exceptions.RequestException as error:
        raise FetchError(f"{current[:200]}: {error.__class__.__name__}")


def probe(url, *, timeout):
    """The HTTP status `url` answers with after its redirects (GET; the body is not read)."""
    return fetch_response(url, timeout=timeout, max_bytes=0, read_body=False).status


def fetch(url, *, timeout, max_bytes, headers=None, session=None):
    """GET `url`; returns (bytes, content type without parameters). HTTP errors raise."""
    response = fetch_response(url, timeout=timeout, max_bytes=max_bytes, headers=headers, session=session)
    if response.status >= 400:
        raise FetchError(f"{url} answered HTTP {response.status} {response.reason}")
    return response.body, response.content_type
