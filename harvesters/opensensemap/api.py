"""The parts of the openSenseMap API the harvester reads, with retries.

The API streams /boxes as one JSON array without paging; a failure mid-stream
still answers 200 and appends "Error: …" to the body, so every body is
parsed before it is trusted. 429 (honouring Retry-After) and 5xx answers are
retried with exponential backoff, then reported as a clear error.
"""
import json
import time

from ckanext.smartcityms.outbound.http import HARVEST, FetchError, fetch_response

PUBLIC_API = "https://api.opensensemap.org"
MAX_RETRY_AFTER = 120  # seconds: a server cannot park a harvest for longer per retry


class OpenSenseMapError(Exception):
    """The API could not be read; the message is meant for the harvest job."""


class OpenSenseMapClient:
    def __init__(self, api_url=PUBLIC_API, *, timeout=60, retries=3, backoff=5.0,
                 max_bytes=200 * 1024 * 1024, sleep=time.sleep):
        self.api_url = api_url.rstrip("/")
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self.max_bytes, self.sleep = max_bytes, sleep

    def _get(self, path, params=None):
        url = self.api_url + path
        for attempt in range(self.retries + 1):
            try:
                response = fetch_response(url, purpose=HARVEST, timeout=self.timeout, max_bytes=self.max_bytes,
                                          params=params, headers={"Accept": "application/json"})
            except FetchError as error:
                if "did not answer" in str(error) and attempt < self.retries:
                    self.sleep(self.backoff * 2 ** attempt)
                    continue
                raise OpenSenseMapError(str(error))
            if response.status == 429 or response.status >= 500:
                if attempt < self.retries:
                    self.sleep(_retry_after(response) or self.backoff * 2 ** attempt)
                    continue
                raise OpenSenseMapError(
                    f"{url} answered HTTP {response.status} {response.reason} "
                    f"{self.retries + 1} times; giving up")
            return response
        raise AssertionError("unreachable")

    def boxes(self, bbox=None, grouptag=None, exposure=None):
        params = {"full": "false"}
        if bbox:
            params["bbox"] = ",".join(str(v) for v in bbox)
        if grouptag:
            params["grouptag"] = grouptag
        if exposure:
            params["exposure"] = ",".join(exposure)
        response = self._get("/boxes", params)
        if response.status != 200:
            raise OpenSenseMapError(f"/boxes answered HTTP {response.status}: {_message(response.body)}")
        boxes = _parse_json(response.body, "/boxes")
        if not isinstance(boxes, list):
            raise OpenSenseMapError("/boxes did not answer with a list of boxes")
        return boxes

    def box(self, box_id):
        """The box, or None if the API says it does not exist (404)."""
        response = self._get(f"/boxes/{box_id}")
        if response.status == 404:
            return None
        if response.status != 200:
            raise OpenSenseMapError(f"/boxes/{box_id} answered HTTP {response.status}: {_message(response.body)}")
        return _parse_json(response.body, f"/boxes/{box_id}")


def _retry_after(response):
    """The server's Retry-After in seconds, at most MAX_RETRY_AFTER; None if absent or unreadable."""
    value = response.headers.get("Retry-After", "")
    if not value.replace(".", "", 1).isdigit():
        return None
    return min(float(value), MAX_RETRY_AFTER)


def _message(body):
    try:
        return json.loads(body).get("message", "")
    except (ValueError, AttributeError):
        return body[:200].decode("utf-8", "replace")


def _parse_json(body, what):
    try:
        return json.loads(body)
    except RecursionError:
        raise OpenSenseMapError(f"{what}: the answer nests JSON too deeply to be read")
    except ValueError:
        text = body.decode("utf-8", "replace")
        tail = text[-200:].strip()
        if "Error:" in tail:
            raise OpenSenseMapError(
                f"{what}: the answer broke off with an error from the server "
                f"({tail[tail.index('Error:'):][:150]!r})")
        raise OpenSenseMapError(f"{what}: the answer is not complete JSON (cut off after {len(body):,} bytes)")
