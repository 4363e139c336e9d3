"""Harvest consumers on CKAN 2.12's redis-py 8 (upstream ckanext-harvest #581)."""
import json
import threading
import time

import pytest
import redis

from ckanext.harvest import queue
from ckanext.smartcityms.harvesters import queue_consumers

pytestmark = pytest.mark.usefixtures("with_plugins")

IDLE_LONGER_THAN_SOCKET_TIMEOUT = 6  # redis-py 8 default socket timeout: 5 s


@pytest.fixture(autouse=True)
def empty_queues():
    queue.purge_queues()
    yield
    queue.purge_queues()


def test_stock_consumer_dies_on_an_idle_queue():
    """The problem: ckanext-harvest 1.6.3's own consumer. When this test fails,
    upstream has fixed #581 and our consumer can go."""
    stock = queue.get_gather_consumer()
    started = time.monotonic()
    with pytest.raises(redis.exceptions.TimeoutError):
        next(stock.consume(queue=queue.get_gather_queue_name()))
    assert time.monotonic() - started < IDLE_LONGER_THAN_SOCKET_TIMEOUT + 2


def test_patient_consumer_receives_work_after_a_long_idle_queue():
    consumer = queue_consumers.consumer_for("gather")
    received, failed = [], []

    def wait_for_one_message():
        try:
            received.append(next(consumer.consume(queue=queue.get_gather_queue_name())))
        except Exception as error:  # reported to the test thread below
            failed.append(error)

    waiter = threading.Thread(target=wait_for_one_message, daemon=True)
    waiter.start()
    time.sleep(IDLE_LONGER_THAN_SOCKET_TIMEOUT)
    assert not failed and waiter.is_alive()

    queue.get_gather_publisher().send({"harvest_job_id": "job-after-idle"})
    waiter.join(timeout=BLOCK_TIMEOUT_MARGIN)

    assert not failed
    _method, _channel, body = received[0]
    assert json.loads(body) == {"harvest_job_id": "job-after-idle"}
    # The message is marked in progress, as upstream's consumer does.
    connection = queue.get_connection()
    assert connection.exists(consumer.persistance_key(body))
    consumer.basic_ack(body)
    assert not connection.exists(consumer.persistance_key(body))


BLOCK_TIMEOUT_MARGIN = queue_consumers.BLOCK_SECONDS + 3
