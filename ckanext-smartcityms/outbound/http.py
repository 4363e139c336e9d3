"""The one guarded HTTP client: every outbound request of the portal (harvesters,
link checker) goes through `fetch_response`; programs that send their own
requests (ckanext-xloader) go through the proxy in `proxy.py`, which judges
addresses with `judged_address` here.

A harvest source or a resource URL is given by an editor and answered by a
server we do not control, so each request is bounded and checked:

* only http and https;
* every request names its purpose (`PURPOSES`: harvesting, link checks,
  bulk archives, table imports, sensor charts);
* the target host is resolved and every address it resolves to is judged:
  loopback, private, link-local, multicast, reserved and unspecified
  addresses are refused unless `ckanext.smartcityms.outbound_internal_allowances`
  names that address (and port) for that purpose. An allowance for the demo's
  replay server is therefore no way in for an editor's resource URL: the link
  checker, xloader and the archives have their own purposes, with no allowance
  outside the tests;
* redirects are followed by us, one hop at a time, each hop judged the same
  way (at most MAX_REDIRECTS);
* one deadline for the whole request, redirects and body included (a slow
  trickle cannot outlast it), and a size cap enforced while streaming.

Failures raise FetchError with a sentence meant for the harvest job's list
or the link checker's result.
"""
import ipaddress
import re
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


HARVEST = "harvest"
LINK_CHECK = "link_check"
ARCHIVE = "archive"
TABLE_IMPORT = "table_import"
SENSOR_CHART = "sensor_chart"
PURPOSES = (HARVEST, LINK_CHECK, ARCHIVE, TABLE_IMPORT, SENSOR_CHART)
ALLOWANCES_OPTION = "ckanext.smartcityms.outbound_internal_allowances"


class Allowance:
    """One internal target one purpose may reach: a network, and a port or any port."""

    def __init__(self, purpose, network, port):
        self.purpose, self.network, self.port = purpose, network, port

    def admits(self, purpose, address, port):
        return purpose == self.purpose and address in self.network and self.port in (None, port)


def parse_allowance(text):
    """`purpose=ADDRESS[/BITS][:PORT]` (IPv6 in brackets: `harvest=[::1]:8080`) as an
    Allowance; ValueError with a sentence for anything else."""
    purpose, separator, target = text.partition("=")
    if not separator or purpose not in PURPOSES:
        raise ValueError(f"{ALLOWANCES_OPTION}: {text!r} is not PURPOSE=ADDRESS[:PORT] with a purpose of "
                         f"{', '.join(PURPOSES)}")
    match = re.fullmatch(r"\[(?P<v6>[^\]]+)\](?::(?P<port6>\d+))?|(?P<v4>[^:]+)(?::(?P<port4>\d+))?", target)
    if not match:
        raise ValueError(f"{ALLOWANCES_OPTION}: {target!r} is not ADDRESS[/BITS][:PORT]")
    port = match.group("port6") or match.group("port4")
    network = ipaddress.ip_network(match.group("v6") or match.group("v4"), strict=False)
    return Allowance(purpose, network, int(port) if port else None)


def allowances():
    configured = str(tk.config.get(ALLOWANCES_OPTION) or "")
    return [parse_allowance(text) for text in configured.replace(",", " ").split()]


def _is_public(address):
    return not (address.is_loopback or address.is_private or address.is_link_local or address.is_multicast
                or address.is_reserved or address.is_unspecified
                or (address.version == 6 and address.ipv4_mapped is not None
                    and not _is_public(address.ipv4_mapped)))


def check_target(url, purpose):
    """FetchError unless `url` is http(s) to a host whose every address may be reached for `purpose`."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"{url[:200]} is not an http(s) URL")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError(f"{url[:200]} has an invalid port")
    judged_address(parts.hostname, port, url, purpose)


def judged_address(host, port, url, purpose):
    """The address to connect to for host:port once every address it resolves
    to has been judged for `purpose`; FetchError (naming `url`) for an internal one."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown outbound purpose {purpose!r}")
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(f"{host} could not be resolved ({error})")
    allowed = allowances()
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if not _is_public(address) and not any(a.admits(purpose, address, port) for a in allowed):
            raise FetchError(
                f"{url[:200]} is refused: {host} resolves to {address}, an internal address "
                "(loopback, private, link-local or reserved); the portal only reaches public servers "
                f"({ALLOWANCES_OPTION} can allow one internal address for one purpose)")
    return infos[0][4][0]


def _remaining(deadline, url):
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError(f"{url[:200]} did not answer completely within the time limit")
    return left


def fetch_response(url, *, purpose, timeout, max_bytes, headers=None, params=None, session=None,
                   read_body=True, sink=None):
    """GET `url` for `purpose` (one of PURPOSES) whatever its status; the body is read only up to `max_bytes`, all within `timeout` s
    (not at all with read_body=False: the status line and headers are the answer).

    With `sink` (a writable binary file), the body is written there as it arrives
    instead of being kept in memory; the answer's body is then empty."""
    session = session or requests.Session()
    deadline = time.monotonic() + timeout
    current, hops = url, 0
    try:
        while True:
            check_target(current, purpose)
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


def probe(url, *, purpose, timeout):
    """The HTTP status `url` answers with after its redirects (GET; the body is not read)."""
    return fetch_response(url, purpose=purpose, timeout=timeout, max_bytes=0, read_body=False).status


def fetch(url, *, purpose, timeout, max_bytes, headers=None, session=None):
    """GET `url`; returns (bytes, content type without parameters). HTTP errors raise."""
    response = fetch_response(url, purpose=purpose, timeout=timeout, max_bytes=max_bytes, headers=headers,
                              session=session)
    if response.status >= 400:
        raise FetchError(f"{url} answered HTTP {response.status} {response.reason}")
    return response.body, response.content_type
