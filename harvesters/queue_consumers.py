"""Gather and fetch consumers for ckanext-harvest's Redis queues that survive idle queues.

Why this exists: CKAN 2.12 pins redis-py 8, whose clients time out a socket
read after 5 s by default. ckanext-harvest 1.6.3's Redis consumer waits for
work with a BLPOP without timeout, so `ckan harvester gather-consumer` and
`fetch-consumer` die with `redis.exceptions.TimeoutError` as soon as a queue
stays empty for 5 s (upstream ckanext-harvest issue #581, open at the time of
writing). Our consumer waits in bounded BLPOP rounds shorter than the socket
timeout and outlives a Redis restart, then hands each message to
ckanext-harvest's own callbacks, so gather/fetch/import behave exactly as
upstream intends.

One thing ours adds: a fetch message only runs if it can *claim* its object
(WAITING -> FETCH in one UPDATE). ckanext-harvest's `harvest_jobs_run` (the
ticker, every minute) re-sends every WAITING object it does not find in the
Redis list, which includes objects a gather has saved but not yet queued and
objects a consumer has popped but not yet started; its fetch callback never
looks at the object's state, so such an object was fetched and imported
twice, and a second dataset "<name>-2" appeared. The second message is now
dropped with a log line, unless the consumer that held the object has
stopped: then the message takes the object over (watchdog.py, which also
ends a consumer that hangs).

And: a fetch message whose import met a service outage (PostgreSQL, Solr or
Redis not answering, see outage.py) runs again once the services answer,
instead of becoming the object's error.
"""
import datetime
import json
import logging
import time

import redis
import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckanext.harvest import queue as harvest_queue

from ckanext.smartcityms.harvesters import outage
from ckanext.smartcityms.harvesters.watchdog import Watchdog

log = logging.getLogger(__name__)

# Must stay below redis-py's socket timeout (5 s) so a wait never looks like a dead socket.
BLOCK_SECONDS = 2
RECONNECT_DELAYS = (1, 2, 5, 10, 30)
# ckanext-harvest errors an object whose fetch message arrives a fifth time (retry_times).
OUTAGE_ATTEMPTS = 3

STAGES = {
    "gather": (harvest_queue.get_gather_routing_key, harvest_queue.get_gather_queue_name,
               harvest_queue.gather_callback, harvest_queue.get_gather_consumer),
    "fetch": (harvest_queue.get_fetch_routing_key, harvest_queue.get_fetch_queue_name,
              harvest_queue.fetch_callback, harvest_queue.get_fetch_consumer),
}


class PatientRedisConsumer(harvest_queue.RedisConsumer):
    """ckanext-harvest's RedisConsumer, waiting in rounds instead of one endless BLPOP."""

    on_round = staticmethod(lambda: None)  # called at every turn of the loop (the watchdog's beat)

    def consume(self, queue=None):
        failures = 0
        while True:
            self.on_round()
            try:
                popped = self.redis.blpop(self.routing_key, timeout=BLOCK_SECONDS)
            except redis.ConnectionError as error:
                delay = RECONNECT_DELAYS[min(failures, len(RECONNECT_DELAYS) - 1)]
                failures += 1
                log.warning("Harvest queue %s unreachable (%s); retrying in %s s",
                            self.routing_key, error, delay)
                time.sleep(delay)
                continue
            failures = 0
            if popped is None:
                continue
            _key, body = popped
            try:
                # Marks the message as in progress, as upstream does, so that
                # `ckan harvester run` can resubmit it if this process dies.
                self.redis.set(self.persistance_key(body), str(datetime.datetime.now()))
            except (redis.RedisError, ValueError, KeyError) as error:
                log.error("Dropping unreadable harvest message %r: %s", body, error)
                continue
            yield (harvest_queue.FakeMethod(body), self, body)


def consumer_for(stage):
    routing_key, _queue_name, _callback, stock_consumer = STAGES[stage]
    if tk.config.get("ckan.harvest.mq.type", harvest_queue.MQ_TYPE) != "redis":
        return stock_consumer()  # AMQP blocks natively; nothing to work around
    return PatientRedisConsumer(harvest_queue.get_connection(), routing_key())


def record_failure(stage, body, error):
    """Put a message's failure where the operator sees it: its object's or job's errors."""
    from ckan import model
    from ckanext.harvest.model import HarvestGatherError, HarvestJob, HarvestObject, HarvestObjectError
    try:
        model.Session.rollback()
        message = json.loads(body)
        text = f"The {stage} stage failed unexpectedly ({error.__class__.__name__}: {str(error)[:300]})"
        if stage == "fetch":
            harvest_object = HarvestObject.get(message["harvest_object_id"])
            if harvest_object is not None:
                harvest_object.state = "ERROR"
                harvest_object.save()
                HarvestObjectError(message=text, object=harvest_object, stage="Import").save()
        else:
            job = HarvestJob.get(message["harvest_job_id"])
            if job is not None:
                HarvestGatherError(message=text + ". Nothing was changed.", job=job).save()
    except Exception:  # noqa: BLE001  (reporting must not end the consumer either)
        log.exception("Could not record the failure of harvest message %r", body[:200])
        model.Session.rollback()


def _object_id(body):
    """The harvest object id of a fetch message, or None for a message we cannot read."""
    try:
        return json.loads(body)["harvest_object_id"]
    except (ValueError, KeyError, TypeError):
        return None


def _object_state(object_id):
    from ckan import model
    state = model.Session.execute(sa.text("SELECT state FROM harvest_object WHERE id = :id"),
                                  {"id": object_id}).scalar()
    model.Session.commit()
    return state


# claimed()'s answer for an object a running consumer holds
RUNNING_ELSEWHERE = "running elsewhere"


def claimed(body, watchdog=None):
    """True if this fetch message may run: its object was WAITING and is now
    ours, or its consumer stopped before finishing it (no claim in Redis),
    or the message is not one we can judge (the callback reports it).
    RUNNING_ELSEWHERE if a running consumer holds the object, else False."""
    from ckan import model
    object_id = _object_id(body)
    if object_id is None:
        return True
    held = _hold(watchdog, object_id)
    if held is False:
        log.info("Harvest object %s is being worked on by a running consumer: this message is dropped", object_id)
        return RUNNING_ELSEWHERE
    try:
        result = model.Session.execute(sa.text(
            "UPDATE harvest_object SET state = 'FETCH' WHERE id = :id AND state = 'WAITING'"), {"id": object_id})
        model.Session.commit()
        if result.rowcount == 1:
            return True
        state = _object_state(object_id)
    except sa.exc.SQLAlchemyError:
        model.Session.rollback()
        return True  # the callback meets the same database and reports it
    if state is None:
        return True
    if held and state in ("FETCH", "IMPORT"):
        log.warning("Harvest object %s was left in state %s by a consumer that stopped: this consumer "
                    "takes it over", object_id, state)
        return True
    if held:
        watchdog.release()
    log.info("Harvest object %s is already %s: its second fetch message is dropped", object_id, state)
    return False


def _hold(watchdog, object_id):
    """True: this consumer now holds the object; False: a running consumer does;
    None: nobody can tell (no watchdog, Redis not answering)."""
    if watchdog is None:
        return None
    try:
        return watchdog.claim(object_id)
    except redis.RedisError as error:
        log.warning("Could not claim harvest object %s in Redis (%s); judged by its state alone", object_id, error)
        return None


def _handle(stage, consumer, callback, message, watchdog=None):
    """Run one message. A fetch message that met a service outage runs again once
    the services answer, as long as its object is unfinished (never twice for a
    finished object: that would make a second dataset)."""
    method, header, body = message
    if watchdog is not None:
        watchdog.beat(f"{stage} message {body[:200]!r}")
    verdict = claimed(body, watchdog) if stage == "fetch" else True
    if verdict is not True:
        # For an object a running consumer holds, the in-progress mark stays: ckanext-harvest
        # sends it again in 3 minutes, and again, until that consumer finishes it (its
        # acknowledgement removes the mark) or stops (and the object is taken over).
        if verdict is not RUNNING_ELSEWHERE:
            consumer.basic_ack(method.delivery_tag)
        return
    try:
        _run_with_outage_retries(stage, consumer, callback, message, watchdog)
    finally:
        if watchdog is not None:
            watchdog.release()
            watchdog.beat("waiting for work")


def _run_with_outage_retries(stage, consumer, callback, message, watchdog):
    method, header, body = message
    for attempt in range(1, OUTAGE_ATTEMPTS + 1):
        if watchdog is not None:
            watchdog.beat()
        try:
            callback(consumer, method, header, body)
            if stage != "fetch" or not _unfinished(body):
                return
            error = None  # the callback gave up without touching the object (no database)
        except Exception as raised:  # noqa: BLE001  (one message never ends the consumer)
            error = raised
            _drop_session()
            if stage != "fetch" or not (raised.services if isinstance(raised, outage.ServiceOutage)
                                        else outage.unavailable()):
                log.exception("Harvest %s message %r failed; the consumer goes on", stage, body[:200])
                record_failure(stage, body, raised)
                return
        log.warning("Harvest object message %r met an outage (%s); it runs again once the services answer",
                    body[:200], error or "the database did not answer")
        if watchdog is not None:
            watchdog.beat()  # waiting for the services is no hang
        if not outage.wait_for_services():
            log.error("The services did not answer within ckanext.smartcityms.harvest_outage_wait; harvest "
                      "message %r is recorded as failed (if the database lets us)", body[:200])
            break
        if not _unfinished(body):
            _ack(consumer, method)  # it was done; only the acknowledgement failed
            return
    record_failure(stage, body, error or outage.ServiceOutage(["PostgreSQL"]))


def _unfinished(body):
    """True if the message's harvest object is still being fetched or imported."""
    object_id = _object_id(body)
    if object_id is None:
        return False
    try:
        state = _object_state(object_id)
    except sa.exc.SQLAlchemyError:
        _drop_session()
        return True  # cannot tell yet: the caller waits for the database and asks again
    return state in ("WAITING", "FETCH", "IMPORT")


def _ack(consumer, method):
    try:
        consumer.basic_ack(method.delivery_tag)
    except redis.RedisError as error:
        log.warning("Could not acknowledge a finished harvest message: %s", error)


def _drop_session():
    from ckan import model
    try:
        model.Session.rollback()
    except Exception:  # noqa: BLE001  (a connection the server closed cannot roll back)
        pass
    model.Session.remove()


def run(stage, max_messages=None):
    """Consume `stage` ("gather" or "fetch") messages until stopped (or `max_messages`)."""
    _routing_key, queue_name, callback, _stock = STAGES[stage]
    consumer = consumer_for(stage)
    dog = None
    if isinstance(consumer, PatientRedisConsumer):
        dog = Watchdog(harvest_queue.get_connection(),
                       tk.config.get("ckanext.smartcityms.harvest_stall_seconds"),
                       tk.config.get("ckanext.smartcityms.harvest_claim_seconds"))
        consumer.on_round = dog.beat
    log.info("Harvest %s consumer waiting for work", stage)
    handled = 0
    try:
        for message in consumer.consume(queue=queue_name()):
            _handle(stage, consumer, callback, message, dog)
            handled += 1
            if max_messages is not None and handled >= max_messages:
                return handled
        return handled
    finally:
        if dog is not None:
            dog.stop()
