"""Data followed where the class of an object is only known at run time or built up piece by
piece: a call of an abstract method runs the overrides of its subclasses; a property returning
a project class's instance leads into that class's methods; an attribute set on a vendor SDK's
object travels with the object; a message published to a broker (Redis, Kafka, AMQP) leaves
the application."""

from __future__ import annotations

import pytest

from conftest import Run, check, line_of

BROKERS = '''
    import json
    import logging
    from abc import ABC, abstractmethod

    import redis

    _BROKERS = []


    class EventBroker(ABC):
        @abstractmethod
        def publish(self, *, topic, payload):
            """Publish the payload."""


    class RedisBroker(EventBroker):
        def __init__(self, url):
            self.connection = redis.StrictRedis.from_url(url)

        def publish(self, *, topic, payload):
            self.connection.publish(topic, payload)  # L:redis


    class SyslogBroker(EventBroker):
        def publish(self, *, topic, payload):
            logging.getLogger(topic).info("%s", payload)  # L:syslog


    def register(broker):
        _BROKERS.append(broker)


    def publish_event(*, topic, payload):
        for broker in _BROKERS:
            broker.publish(topic=topic, payload=json.dumps(payload))


    def on_login(email):
        publish_event(topic="user.login", payload={"email": email})


    def on_tick(count):
        publish_event(topic="tick", payload={"count": count})


    def ping(url):
        client = redis.Redis.from_url(url)
        client.publish("user.ping", "ping")  # L:no-data
'''

LIBRARY_PUBLISH = '''
    import logging
    from abc import ABC, abstractmethod

    import paho.mqtt.client as mqtt


    class Sink(ABC):
        @abstractmethod
        def publish(self, payload):
            """Send it."""


    class LogSink(Sink):
        def publish(self, payload):
            logging.getLogger(__name__).info("%s", payload)  # L:log-sink


    def notify(email):
        client = mqtt.Client()
        client.publish(email)
'''

TRACKERS = '''
    import requests


    class BoardsAPI:
        def __init__(self, base_url):
            self.base_url = base_url

        def update_issue(self, issue_id, body):
            return self._request("PATCH", f"{self.base_url}/items/{issue_id}", json=body)

        def delete_comment(self, issue_id):
            return self._request("DELETE", f"{self.base_url}/items/{issue_id}")

        @staticmethod
        def _request(method, url, **kwargs):
            return requests.request(method, url, timeout=30, **kwargs).json()  # L:request


    class Tracker:
        @property
        def rpc(self):
            return self._connection()

        def _connection(self):
            raise NotImplementedError


    class Boards(Tracker):
        def __init__(self, base_url):
            self.base_url = base_url

        def _connection(self):
            return BoardsAPI(self.base_url)

        def report(self, issue_id, user):
            self.rpc.update_issue(issue_id, [{"value": f"Reporter: {user.username}"}])
'''

KUSTO = '''
    import logging

    import requests
    from azure.kusto.data import ClientRequestProperties, KustoClient


    def run_query(client_string, query, user):
        client = KustoClient(client_string)
        props = ClientRequestProperties()
        props.application = "reports"
        props.user = user.email  # L:store
        logging.getLogger(__name__).info("query from %s", props.application)  # L:other-attribute
        return client.execute("db", query, props)  # L:execute


    def _send(url, email):
        prepared = requests.Request("POST", url, data={"email": email}).prepare()
        response = requests.Response()
        response.request = prepared
        return response


    def fetch(url, email):
        response = _send(url, email)
        logging.getLogger(__name__).info("reply %s", response.content)  # L:reply
'''

QUEUES = '''
    import os

    import pika
    from kafka import KafkaProducer


    def announce(email):
        producer = KafkaProducer(bootstrap_servers=os.environ["KAFKA_SERVERS"])
        producer.send("signups", value=email.encode())  # L:kafka
        producer.send(f"signups.{len(email)}", value=b"new")  # L:kafka-no-data


    def enqueue(phone):
        channel = pika.BlockingConnection(pika.ConnectionParameters(os.environ["AMQP_HOST"])).channel()
        channel.basic_publish(exchange="", routing_key="sms", body=phone)  # L:amqp
'''


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    return check(tmp_path_factory.mktemp("dispatch"), {
        "app/__init__.py": "", "app/events.py": BROKERS, "app/trackers.py": TRACKERS, "app/kusto.py": KUSTO,
        "app/queues.py": QUEUES,
    })


def test_an_abstract_method_called_on_an_unknown_object_runs_every_override(run: Run) -> None:
    redis_hit = run.one("app/events.py", line_of(BROKERS, "# L:redis"), "PRV003")
    assert redis_hit.message.startswith("unannotated email (email (parameter of on_login)"), redis_hit
    assert "EventBroker.publish()" in redis_hit.detail("route"), redis_hit.text
    assert "RedisBroker.publish()" in redis_hit.detail("route"), redis_hit.text
    assert "the address is computed at run time" in redis_hit.detail("reason"), redis_hit.text
    log_hit = run.one("app/events.py", line_of(BROKERS, "# L:syslog"), "PRV601")
    assert log_hit.message.startswith("unannotated email (email (parameter of on_login)"), log_hit


def test_a_redis_message_without_personal_data_is_quiet(run: Run) -> None:
    run.none("app/events.py", line_of(BROKERS, "# L:no-data"))


def test_a_library_objects_method_is_not_taken_for_the_projects_abstract_method(tmp_path) -> None:
    lib = check(tmp_path, {"app/__init__.py": "", "app/sinks.py": LIBRARY_PUBLISH})
    lib.none("app/sinks.py", line_of(LIBRARY_PUBLISH, "# L:log-sink"))


def test_a_property_returning_a_project_class_leads_into_its_methods(run: Run) -> None:
    hit = run.one("app/trackers.py", line_of(TRACKERS, "# L:request"), "PRV003")
    assert hit.message.startswith("unannotated username (user.username"), hit
    assert "BoardsAPI.update_issue()" in hit.detail("route"), hit.text
    assert "delete_comment" not in hit.detail("route"), hit.text


def test_an_attribute_set_on_a_vendor_sdk_object_is_sent_with_it(run: Run) -> None:
    hit = run.one("app/kusto.py", line_of(KUSTO, "# L:execute"), "PRV003")
    assert hit.message.startswith("unannotated email (user.email"), hit
    run.none("app/kusto.py", line_of(KUSTO, "# L:store"))  # building the properties sends nothing


def test_another_attribute_of_the_object_does_not_carry_what_was_set(run: Run) -> None:
    run.none("app/kusto.py", line_of(KUSTO, "# L:other-attribute"))


def test_an_object_that_is_no_vendors_does_not_carry_an_attribute_set_on_it(run: Run) -> None:
    run.none("app/kusto.py", line_of(KUSTO, "# L:reply"))


def test_messages_published_to_kafka_and_amqp_leave_for_the_broker(run: Run) -> None:
    kafka = run.one("app/queues.py", line_of(QUEUES, "# L:kafka"), "PRV003")
    assert kafka.message.startswith("unannotated email (email (parameter of announce)"), kafka
    assert "read from the environment" in kafka.detail("reason"), kafka.text
    amqp = run.one("app/queues.py", line_of(QUEUES, "# L:amqp"), "PRV003")
    assert amqp.message.startswith("unannotated phone (phone (parameter of enqueue)"), amqp


def test_a_topic_is_no_message(run: Run) -> None:
    run.none("app/queues.py", line_of(QUEUES, "# L:kafka-no-data"))
