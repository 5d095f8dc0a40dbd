"""The race's public WebSocket (CONTRACT §9) against a real hub, with the `websockets` client: the
first message is the race's state, `is_live` flips within 2 s of the poll that saw the stream, a
caster joining arrives as a new state; unknown races, plain GETs and full caps are answered before
any upgrade; a client that stops reading is dropped, not buffered for."""
import base64
import contextlib
import json
import os
import re
import socket
import threading
import urllib.error
import urllib.request

import pytest
import websockets
from websockets.sync.client import connect

from conftest import Hub, wait_until
from test_pages import running_race


def receive(ws, timeout=2.0):
    return json.loads(ws.recv(timeout=timeout))


def read_all(ws, into):
    with contextlib.suppress(websockets.exceptions.ConnectionClosed):
        for message in ws:
            into.append(message)


def status_of(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_race_socket_sends_the_state_and_every_change(hub, helix):
    org = hub.add_user("org")
    hub.add_user("runner", "Runner One")
    caster = hub.add_user("commentator")
    race = running_race(hub, org, "Any% Glitchless", participants=["runner"])
    with connect(f"ws://127.0.0.1:{hub.port}/ws/races/{race}") as ws:
        first = receive(ws)
        assert first["type"] == "race_state" and isinstance(first["cursor"], str)
        assert first["race"]["id"] == race
        assert first["race"] == hub.api("GET", f"/api/races/{race}")  # the REST shape
        assert first["race"]["participants"][0]["is_live"] is False

        helix.set_live("runner", title="WR pace")  # the hub polls every second
        state = receive(ws, timeout=3.0)  # the poll's second, then within 2 s
        assert state["race"]["participants"][0]["is_live"] is True
        assert state["race"]["participants"][0]["stream_url"] == "https://twitch.tv/runner"

        hub.api("POST", f"/api/races/{race}/cast-join", caster)
        joined = receive(ws)
        assert [m["user"]["twitch_username"] for m in joined["race"]["casters"]] == ["commentator"]
        assert joined["cursor"] != first["cursor"]


def test_refused_handshakes_get_the_reason_before_any_upgrade(hub):
    unknown = f"ws://127.0.0.1:{hub.port}/ws/races/00000000-0000-0000-0000-000000000000"
    with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
        with connect(unknown):
            pass
    assert refused.value.response.status_code == 404
    assert b"race not found" in refused.value.response.body
    with pytest.raises(websockets.exceptions.InvalidStatus) as malformed:
        with connect(f"ws://127.0.0.1:{hub.port}/ws/races/not-a-race"):
            pass
    assert malformed.value.response.status_code == 422
    assert status_of(f"{hub.url}/ws/races/00000000-0000-0000-0000-000000000000") == 404
    org = hub.add_user("org")
    race = running_race(hub, org, "Glitched")
    assert status_of(f"{hub.url}/ws/races/{race}") == 426  # a plain GET: use a WebSocket client
    assert status_of(f"{hub.url}/healthz") == 200


def test_sockets_count_against_the_per_address_cap(hub):
    org = hub.add_user("org")
    race = running_race(hub, org, "Capped")
    url = f"ws://127.0.0.1:{hub.port}/ws/races/{race}"
    with contextlib.ExitStack() as open_sockets:
        # --max-streams-per-ip (8), shared with the event streams
        sockets = [open_sockets.enter_context(connect(url)) for _ in range(8)]
        for ws in sockets:
            assert receive(ws)["type"] == "race_state"
        with pytest.raises(websockets.exceptions.InvalidStatus) as over:
            with connect(url):
                pass
        assert over.value.response.status_code == 429
        assert over.value.response.headers["Retry-After"] == "30"
        assert status_of(f"{hub.url}/api/races/{race}/events") == 429  # the same slots
    # Closed ones give their places back.
    with connect(url) as again:
        assert receive(again)["type"] == "race_state"


def test_a_client_that_stops_reading_is_dropped(folder, helix):
    hub = Hub(folder, helix, name="slow-reader", extra_args=["--write-timeout", "1"])
    hub.start()
    try:
        stack = contextlib.ExitStack()
        org = hub.add_user("org")
        casters = [hub.add_user(f"caster{i:02d}", "C" * 90) for i in range(40)]
        race = running_race(hub, org, "A big race")
        # A raw client with a small receive buffer that opens the socket and never reads.
        slow = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        slow.connect(("127.0.0.1", hub.port))
        key = base64.b64encode(os.urandom(16)).decode()
        slow.sendall((f"GET /ws/races/{race} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                      f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        # A client that reads, beside it the whole time.
        states = []
        reader = stack.enter_context(connect(f"ws://127.0.0.1:{hub.port}/ws/races/{race}"))
        threading.Thread(target=read_all, args=(reader, states), daemon=True).start()
        # Every join and leave is a new state of a large race: megabytes for a reader that reads none.
        for _ in range(6):
            for token in casters:
                hub.api("POST", f"/api/races/{race}/cast-join", token)
            for token in casters:
                hub.api("POST", f"/api/races/{race}/cast-leave", token)
        # The hub cut the slow one once its buffers stayed full for the write timeout (1 s) and gave
        # its slot back; the reading one is still open and got the last state.
        def streams_open():
            metrics = urllib.request.urlopen(f"{hub.url}/metrics", timeout=5).read().decode()
            return float(re.search(r"^racesync_page_streams_open (\S+)$", metrics, re.M).group(1))
        wait_until(lambda: streams_open() == 1, timeout=10, what="the slow reader's stream to end")
        wait_until(lambda: states and json.loads(states[-1])["race"]["casters"] == [], what="the last state")
        slow.settimeout(10)
        while slow.recv(65536):
            pass  # what the kernel had buffered, then the hub's close
        slow.close()
    finally:
        stack.close()
        hub.stop()
