"""How many data requests one client may send: a fixed window per client in
Redis (default 5 a minute), and a window for all anonymous clients together
(default 60 a minute), so that rotating addresses does not lift the bound.

A client is the user name when logged in, else a hash of the address (no IP
address is stored: the key lives one window long and holds a digest).
"""
import hashlib

import redis

import ckan.plugins.toolkit as tk

from ckanext.smartcityms import cache

WINDOW = 60  # seconds


class Refused(Exception):
    """The request is over the limit, or the limit cannot be checked."""


def _count(connection, name):
    key = cache.key("data-request-rate", name)
    with connection.pipeline() as pipe:
        pipe.incr(key)
        pipe.expire(key, WINDOW, nx=True)
        count, _ = pipe.execute()
    return count


def client_name(user, address):
    if user:
        return "user:" + user
    secret = tk.config.get("SECRET_KEY") or ""
    return "address:" + hashlib.sha256(f"{secret}:{address}".encode()).hexdigest()[:32]


def check(user, address):
    """Counts one request of this client; Refused when it is one too many."""
    per_client = tk.config.get("ckanext.smartcityms.data_request_rate_limit")
    everyone = tk.config.get("ckanext.smartcityms.data_request_global_rate_limit")
    try:
        connection = cache.redis_connection()
        if _count(connection, client_name(user, address)) > per_client:
            raise Refused(tk._("Too many data requests from you: at most {n} a minute. "
                               "Please wait a minute and send it again.").format(n=per_client))
        if not user and _count(connection, "anonymous") > everyone:
            raise Refused(tk._("Too many data requests right now. Please try again in a minute."))
    except redis.RedisError:
        raise Refused(tk._("Data requests cannot be accepted right now. Please try again later."))

