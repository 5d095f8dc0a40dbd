"""The spectator WebSocket (CONTRACT §9) against a real hub, with the `websockets` client: the first
message is the race's state, `is_live` flips within 2 s of the poll that saw the stream, a caster
joining arrives as a new state; unknown races and plain GETs are answered before any upgrade."""
import contextlib
import json
import urllib.error
import urllib.request

import pytest
import websockets
from websockets.sync.client import connect

from test_pages import running_race


def receive(socket, timeout=2.0):
    return json.loads(socket.recv(timeout=timeout))


def test_the_race_socket_sends_the_state_and_every_change(hub, helix):
    org = hub.add_user("org")
    hub.add_user("runner", "Runner One")
    caster = hub.add_user("commentator")
    race = running_race(hub, org, "Any% Glitchless", participants=["runner"])
    with connect(f"ws://127.0.0.1:{hub.port}/ws/races/{race}") as socket:
        first = receive(socket)
        assert first["type"] == "race_state" and isinstance(first["cursor"], str)
        assert first["race"]["id"] == race
        assert first["race"]["participants"][0]["is_live"] is False

        helix.set_live("runner", title="WR pace")  # the hub polls every second
        state = receive(socket, timeout=4.0)
        assert state["race"]["participants"][0]["is_live"] is True
        assert state["race"]["participants"][0]["stream_url"] == "https://twitch.tv/runner"

        hub.api("POST", f"/api/races/{race}/cast-join", caster)
        joined = receive(socket)
        assert [m["user"]["twitch_username"] for m in joined["race"]["casters"]] == ["commentator"]
        assert joined["cursor"] != first["cursor"]


def test_unknown_races_and_plain_requests_are_answered_before_any_upgrade(hub):
    # A handshake for a race that does not exist is refused before any upgrade (the WebSocket
    # library answers every refused handshake 400); a plain GET of the path says why: 404.
    with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
        with connect(f"ws://127.0.0.1:{hub.port}/ws/races/00000000-0000-0000-0000-000000000000"):
            pass
    assert refused.value.response.status_code == 400
    with pytest.raises(urllib.error.HTTPError) as unknown:
        urllib.request.urlopen(f"{hub.url}/ws/races/00000000-0000-0000-0000-000000000000", timeout=5)
    assert unknown.value.code == 404
    org = hub.add_user("org")
    race = running_race(hub, org, "Glitched")
    with pytest.raises(urllib.error.HTTPError) as plain:
        urllib.request.urlopen(f"{hub.url}/ws/races/{race}", timeout=5)
    assert plain.value.code == 426
    with pytest.raises(urllib.error.HTTPError) as malformed:
        urllib.request.urlopen(f"{hub.url}/ws/races/not-a-race", timeout=5)
    assert malformed.value.code == 422


def test_sockets_count_against_the_per_address_cap(hub):
    org = hub.add_user("org")
    race = running_race(hub, org, "Capped")
    url = f"ws://127.0.0.1:{hub.port}/ws/races/{race}"
    with contextlib.ExitStack() as open_sockets:
        # --max-streams-per-ip (8), shared with the event streams
        sockets = [open_sockets.enter_context(connect(url)) for _ in range(8)]
        for socket in sockets:
            assert receive(socket)["type"] == "race_state"
        with pytest.raises(websockets.exceptions.InvalidStatus):
            with connect(url):
                pass
        with pytest.raises(urllib.error.HTTPError) as over:
            urllib.request.urlopen(f"{hub.url}/ws/races/{race}", timeout=5)
        assert over.value.code == 429
    # Closed ones give their places back.
    with connect(url) as again:
        assert receive(again)["type"] == "race_state"
