"""Bounded HTTP downloads for harvesters: a timeout on every request and a
size cap enforced while streaming, so a hanging or huge source ends as a clear
error instead of a stuck job or an exhausted worker."""
import requests


class FetchError(Exception):
    """A download failed; the message is meant for the harvest job's error list."""


class Fetched:
    def __init__(self, status, reason, headers, body):
        self.status, self.reason, self.headers, self.body = status, reason, headers, body

    @property
    def content_type(self):
        return (self.headers.get("Content-Type") or "").split(";", 1)[0].strip()


def fetch(url, *, timeout, max_bytes, headers=None, session=None):
    """GET `url`; returns (bytes, content type without parameters). HTTP errors raise."""
    response = fetch_response(url, timeout=timeout, max_bytes=max_bytes, headers=headers, session=session)
    if response.status >= 400:
        raise FetchError(f"{url} answered HTTP {response.status} {response.reason}")
    return response.body, response.content_type


def fetch_response(url, *, timeout, max_bytes, headers=None, params=None, session=None):
    """GET `url` whatever its status; the body is read only up to `max_bytes`."""
    session = session or requests.Session()
    try:
        with session.get(url, stream=True, timeout=timeout, headers=headers or {},
                         params=params) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"{url} is {int(declared):,} bytes, more than the limit of {max_bytes:,}")
            chunks, size = [], 0
            for chunk in response.iter_content(chunk_size=256 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"{url} is larger than the limit of {max_bytes:,} bytes")
                chunks.append(chunk)
            return Fetched(response.status_code, response.reason, response.headers, b"".join(chunks))
    except requests.exceptions.Timeout:
        raise FetchError(f"{url} did not answer within {timeout} s")
    except requests.exceptions.ConnectionError as error:
        raise FetchError(f"{url} could not be reached: {error.__class__.__name__}")
    except requests.exceptions.RequestException as error:
        raise FetchError(f"{url}: {error}")
