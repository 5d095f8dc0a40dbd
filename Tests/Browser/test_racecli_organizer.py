"""racecli's organizer commands (CONTRACT §8), online against a real hub: create a race, add a
participant, release seeds, start, add and remove a caster, finish; refusals exit 1 with the
hub's reason."""
import json
import subprocess

from conftest import BIN


def racecli(replica, *args, check=True):
    done = subprocess.run([str(BIN / "racecli"), *args, "--db", str(replica)], capture_output=True, text=True)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def test_an_organizer_runs_a_race_from_racecli(hub, folder):
    org = hub.add_user("org")
    hub.add_user("runner")
    hub.add_user("caster")
    alice = hub.add_user("alice")
    replica = folder / "org.sqlite"
    subprocess.run([str(BIN / "racecli"), "login", "--db", str(replica), "--hub", hub.url, "--token-stdin"],
                   input=org, text=True, check=True, capture_output=True)

    race = json.loads(racecli(replica, "race", "create", "Any% Glitchless", "--json").stdout)
    assert race["name"] == "Any% Glitchless" and race["status"] == "setup"
    prefix = race["id"][:8]
    racecli(replica, "participant", "add", prefix, "runner")
    racecli(replica, "release-seeds", prefix)
    racecli(replica, "start", prefix)
    racecli(replica, "caster", "add", prefix, "caster")
    detail = hub.api("GET", f"/api/races/{race['id']}")
    assert detail["status"] == "running" and detail["seeds_released"]
    assert [m["user"]["twitch_username"] for m in detail["participants"]] == ["runner"]
    assert [m["user"]["twitch_username"] for m in detail["casters"]] == ["caster"]
    # The replica shows the change right away (a pull follows each write).
    assert "caster" in racecli(replica, "race", prefix).stdout

    refused = racecli(replica, "caster", "add", prefix, "runner", check=False)
    assert refused.returncode == 1 and "runner is a participant of this race" in refused.stderr
    racecli(replica, "caster", "remove", prefix, "caster")
    assert hub.api("GET", f"/api/races/{race['id']}")["casters"] == []
    # A participant removed leaves the hub and, after its pull, the replica.
    racecli(replica, "participant", "add", prefix, "alice")
    shown = json.loads(racecli(replica, "participant", "remove", prefix, "alice", "--json").stdout)
    assert [m["user"]["twitch_username"] for m in shown["participants"]] == ["runner"]
    local = json.loads(racecli(replica, "race", prefix, "--json").stdout)
    assert [m["user"]["twitch_username"] for m in local["participants"]] == ["runner"]
    missing = racecli(replica, "participant", "remove", prefix, "alice", check=False)
    assert missing.returncode == 1 and "alice is not a participant of this race" in missing.stderr
    racecli(replica, "finish", prefix)
    assert hub.api("GET", f"/api/races/{race['id']}")["status"] == "finished"

    # Someone else's race: the hub's rule, exit 1.
    other = folder / "alice.sqlite"
    subprocess.run([str(BIN / "racecli"), "login", "--db", str(other), "--hub", hub.url, "--token-stdin"],
                   input=alice, text=True, check=True, capture_output=True)
    mine = json.loads(racecli(replica, "race", "create", "Low%", "--json").stdout)
    racecli(other, "sync")
    denied = racecli(other, "start", mine["id"][:8], check=False)
    assert denied.returncode == 1 and "only the race organizer may do this" in denied.stderr
