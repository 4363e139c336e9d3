"""Which consumer works on a harvest object, and a consumer that stopped making progress.

ckanext-harvest sends a fetch message again when its consumer has not
acknowledged it after 3 minutes (`harvest_jobs_run`). Whether the object is
still being worked on only that consumer knows, so it holds a *claim* in
Redis that expires after `ckanext.smartcityms.harvest_claim_seconds` and is
renewed by this watchdog's thread. A consumer that was killed stops renewing
it: the message sent again finds no claim and takes the object over. A
consumer that is alive but slow (a feed that takes minutes) keeps its claim,
and the message sent again is dropped.

A consumer that hangs (one message running longer than
`ckanext.smartcityms.harvest_stall_seconds`, or its queue loop standing still)
gives its claim up and ends itself with exit status 75 (EX_TEMPFAIL);
bin/supervise starts it again, and the object is taken over as above. A
thread of the same process can only do this while the hang lets threads run
(waits on sockets, locks and sleeps do; a C call that holds the GIL does not).
For that case the thread also touches the file bin/supervise names in
SCMS_HEARTBEAT_FILE: when it stops doing so, bin/supervise kills the process
from outside, and its claim runs out.
"""
import logging
import os
import secrets
import socket
import threading
import time

import redis

log = logging.getLogger(__name__)

EXIT_STALLED = 75
CLAIM_PREFIX = "smartcityms:harvest:claim:"
HEARTBEAT_VARIABLE = "SCMS_HEARTBEAT_FILE"  # set by bin/supervise --heartbeat


class Watchdog:
    def __init__(self, connection, stall_seconds, claim_seconds):
        self.redis = connection
        self.stall_seconds = stall_seconds
        self.claim_seconds = claim_seconds
        self.token = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self._lock = threading.Lock()
        self._claim = None
        self._doing = "waiting for work"
        self._last = time.monotonic()
        self._stopped = threading.Event()
        threading.Thread(target=self._watch, name="harvest-watchdog", daemon=True).start()

    def stop(self):
        """The consumer ends normally: no more watching (a process that goes on must not be ended)."""
        self._stopped.set()
        self.release()

    def beat(self, doing=None):
        """This consumer made progress (a queue round, the start of a message or of a retry)."""
        self._last = time.monotonic()
        if doing is not None:
            self._doing = doing

    def claim(self, object_id):
        """True if this consumer now holds `object_id`, False if a running consumer does.
        Raises redis.RedisError when Redis cannot tell."""
        key = CLAIM_PREFIX + str(object_id)
        if not self.redis.set(key, self.token, nx=True, ex=self.claim_seconds):
            return False
        with self._lock:
            self._claim = key
        return True

    def release(self):
        with self._lock:
            key, self._claim = self._claim, None
        if key is None:
            return
        try:
            if self._is_ours(self.redis.get(key)):
                self.redis.delete(key)
        except redis.RedisError as error:
            log.warning("Could not give up the claim %s (it expires by itself): %s", key, error)

    def _is_ours(self, value):
        return value in (self.token, self.token.encode())

    def _heartbeat(self):
        path = os.environ.get(HEARTBEAT_VARIABLE)
        if not path:
            return
        try:
            with open(path, "a"):
                os.utime(path)
        except OSError as error:
            log.warning("Could not touch the heartbeat file %s: %s", path, error)

    def _watch(self):
        interval = max(0.2, min(self.claim_seconds / 3, 10))
        self._heartbeat()
        while not self._stopped.wait(interval):
            self._heartbeat()
            still = time.monotonic() - self._last
            if still > self.stall_seconds:
                log.error("This harvest consumer made no progress for %d s (%s); it gives up its claim "
                          "and ends, so that its supervisor starts it again", still, self._doing)
                self.release()
                for handler in logging.getLogger().handlers:
                    handler.flush()
                os._exit(EXIT_STALLED)
            with self._lock:
                key = self._claim
            if key is not None:
                try:
                    self.redis.expire(key, self.claim_seconds)
                except redis.RedisError as error:
                    log.warning("Could not renew the claim %s: %s", key, error)
