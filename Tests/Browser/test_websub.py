"""WebSub (CONTRACT §9) against real `syncd hub` processes and a subscriber served by Python's
http.server: discovery links, verification of intent, a signed delivery of each change,
unsubscribing, and callbacks on private addresses refused when the hub does not allow them."""
import hashlib
import hmac
import http.server
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from conftest import Hub, free_port, wait_until
from test_pages import running_race

EVENTSUB_SECRET = "browser-test-eventsub-secret"
SUBSCRIBER_SECRET = "a subscriber's own secret"


class Subscriber:
    """A WebSub subscriber: echoes `hub.challenge`, records verifications and deliveries."""

    def __init__(self):
        self.port = free_port()
        self.verifications, self.deliveries = [], []
        subscriber = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
                subscriber.verifications.append(query)
                body = query.get("hub.challenge", "").encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                subscriber.deliveries.append((time.monotonic(), dict(self.headers), body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def callback(self):
        return f"http://127.0.0.1:{self.port}/cb"

    def stop(self):
        self.server.shutdown()


def websub(hub, **fields):
    """POSTs a WebSub request to the hub; returns (status, body)."""
    data = urllib.parse.urlencode({f"hub.{name}": value for name, value in fields.items()}).encode()
    request = urllib.request.Request(f"{hub.url}/websub", data=data, method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_a_subscriber_is_verified_gets_signed_pushes_and_unsubscribes(folder, helix):
    hub = Hub(folder, helix, poll_interval=3600, eventsub_secret=EVENTSUB_SECRET, extra_args=["--websub-allow-private"])
    hub.start()
    subscriber = Subscriber()
    try:
        org = hub.add_user("org")
        hub.add_user("runner", "Runner One")
        race = running_race(hub, org, "Any% Glitchless", participants=["runner"])
        topic = f"{hub.url}/feeds/races/{race}/live.json"
        # Discovery, as a feed reader finds it: the Link header and the feed's own hubs.
        with urllib.request.urlopen(topic, timeout=10) as feed:
            links = feed.headers["Link"]
            assert f'<{hub.url}/websub>; rel="hub"' in links and f'<{topic}>; rel="self"' in links
            assert f'"hubs": [{{"type": "WebSub", "url": "{hub.url}/websub"}}]' in feed.read().decode()

        assert websub(hub, mode="subscribe", topic=topic, callback=subscriber.callback, secret=SUBSCRIBER_SECRET,
                      lease_seconds="3600")[0] == 202
        wait_until(lambda: len(subscriber.verifications) == 1, what="the verification of intent")
        check = subscriber.verifications[0]
        assert check["hub.mode"] == "subscribe" and check["hub.topic"] == topic and check["hub.lease_seconds"] == "3600"
        time.sleep(0.5)  # the hub stores the subscription once the challenge came back
        assert subscriber.deliveries == []

        # Twitch pushes: the race's feed changes; the subscriber gets the new bytes, signed.
        helix.set_live("runner", title="Pushed to the subscriber")
        callback = f"{hub.url}/twitch/eventsub"
        assert helix.notify(callback, EVENTSUB_SECRET, "stream.online", "runner", "4242", message_id="m-1") == 204
        changed = time.monotonic()
        # (The push itself, then the stream's title from one Helix lookup: each change is delivered.
        # How soon is measured by `racesync-bench --only eventsub`; tests do not time.)
        wait_until(lambda: any(b"Pushed to the subscriber" in body for _, _, body in subscriber.deliveries),
                   timeout=10, what="the delivery")
        at, headers, body = subscriber.deliveries[-1]
        print(f"push → delivery: {at - changed:.3f} s")
        assert headers["Content-Type"] == "application/feed+json"
        expected = "sha256=" + hmac.new(SUBSCRIBER_SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(headers["X-Hub-Signature"], expected)
        assert f'<{topic}>; rel="self"' in headers["Link"]
        with urllib.request.urlopen(topic, timeout=10) as feed:
            assert feed.read() == body

        # Unsubscribing is verified too; the next change is not delivered.
        assert websub(hub, mode="unsubscribe", topic=topic, callback=subscriber.callback)[0] == 202
        wait_until(lambda: len(subscriber.verifications) == 2, what="the unsubscribe verification")
        assert subscriber.verifications[1]["hub.mode"] == "unsubscribe"
        time.sleep(0.5)
        delivered = len(subscriber.deliveries)
        assert helix.notify(callback, EVENTSUB_SECRET, "stream.offline", "runner", "4242", message_id="m-2") == 204
        time.sleep(1.5)
        assert len(subscriber.deliveries) == delivered
    finally:
        subscriber.stop()
        hub.stop()


def test_callbacks_on_private_addresses_are_refused_without_the_flag(folder, helix):
    hub = Hub(folder, helix, poll_interval=3600)
    hub.start()
    subscriber = Subscriber()
    try:
        topic = f"{hub.url}/feeds/live.atom"
        for callback, kind in [(subscriber.callback, "loopback"), ("http://10.0.0.7/cb", "private"),
                               ("http://169.254.169.254/latest/meta-data", "link-local"),
                               (f"http://localhost:{subscriber.port}/cb", "loopback")]:
            status, body = websub(hub, mode="subscribe", topic=topic, callback=callback)
            assert status == 400 and kind in body, (callback, status, body)
        status, body = websub(hub, mode="subscribe", topic="https://elsewhere.example/feed", callback="https://example.org/")
        assert status == 400 and re.search(r"hub\.topic", body)
        time.sleep(0.5)
        assert subscriber.verifications == []  # nothing was called
    finally:
        subscriber.stop()
        hub.stop()


def test_two_hubs_on_postgresql_deliver_each_change_once(folder, helix, postgres):
    # Two instances behind one public URL share the subscriptions; only the leader delivers.
    first = Hub(folder, helix, db=postgres, name="websub-a", poll_interval=3600, eventsub_secret=EVENTSUB_SECRET,
                extra_args=["--websub-allow-private"])
    second = Hub(folder, helix, db=postgres, name="websub-b", poll_interval=3600, eventsub_secret=EVENTSUB_SECRET,
                 extra_args=["--websub-allow-private"], public_url=first.url)
    first.start()
    second.start()
    subscriber = Subscriber()
    try:
        org = first.add_user("websub_org")
        first.add_user("websub_runner")
        race = running_race(first, org, "Both instances", participants=["websub_runner"])
        topic = f"{first.url}/feeds/races/{race}/live.atom"
        # Subscribed through the second instance: the subscription is in the shared store.
        assert websub(second, mode="subscribe", topic=topic, callback=subscriber.callback)[0] == 202
        wait_until(lambda: len(subscriber.verifications) == 1, what="the verification of intent")
        time.sleep(0.5)

        helix.set_live("websub_runner", title="Seen by both instances")
        assert helix.notify(f"{second.url}/twitch/eventsub", EVENTSUB_SECRET, "stream.online", "websub_runner", "777",
                            message_id="pg-1") == 204
        wait_until(lambda: any(b"Seen by both instances" in body for _, _, body in subscriber.deliveries),
                   timeout=10, what="a delivery")
        time.sleep(1)
        settled = len(subscriber.deliveries)
        assert helix.notify(f"{first.url}/twitch/eventsub", EVENTSUB_SECRET, "stream.offline", "websub_runner", "777",
                            message_id="pg-2") == 204
        wait_until(lambda: len(subscriber.deliveries) > settled, timeout=10, what="the offline delivery")
        time.sleep(1)
        assert len(subscriber.deliveries) == settled + 1  # one change, one delivery: not one per instance
        assert b"Seen by both instances" not in subscriber.deliveries[-1][2]
    finally:
        subscriber.stop()
        second.stop()
        first.stop()
