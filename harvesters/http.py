"""Bounded HTTP downloads for harvesters: a timeout on every request and a
size cap enforced while streaming, so a hanging or huge source ends as a clear
error instead of a stuck job or an exhausted worker."""
import requests


class FetchError(Exception):
    """A download failed; the message is meant for the harvest job's error list."""


def fetch(url, *, timeout, max_bytes, headers=None, session=None):
    """GET `url`; returns (bytes, content type without parameters)."""
    session = session or requests.Session()
    try:
        with session.get(url, stream=True, timeout=timeout, headers=headers or {}) as response:
            if response.status_code >= 400:
                raise FetchError(f"{url} answered HTTP {response.status_code} {response.reason}")
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"{url} is {int(declared):,} bytes, more than the limit of {max_bytes:,}")
            chunks, size = [], 0
            for chunk in response.iter_content(chunk_size=256 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"{url} is larger than the limit of {max_bytes:,} bytes")
                chunks.append(chunk)
            content_type = (response.headers.get("Content-Type") or "").split(";", 1)[0].strip()
            return b"".join(chunks), content_type
    except requests.exceptions.Timeout:
        raise FetchError(f"{url} did not answer within {timeout} s")
    except requests.exceptions.ConnectionError as error:
        raise FetchError(f"{url} could not be reached: {error.__class__.__name__}")
    except requests.exceptions.RequestException as error:
        raise FetchError(f"{url}: {error}")
