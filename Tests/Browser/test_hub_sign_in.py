"""Signing in on the hub's website (CONTRACT §8) in a real browser: a token signs in, the race
page casts and leaves through forms (with and without JavaScript), a refused join shows why,
and signing out ends the session."""
import json
import re
import subprocess

import pytest
from playwright.sync_api import expect

from conftest import BIN, Hub
from test_pages import caster_logins, running_race, status_of_a_post_from_another_origin


def sign_in(page, hub, token, path="/"):
    page.goto(f"{hub.url}{path}")
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("API token").fill(token)
    page.get_by_role("button", name="Sign in with a token").click()


@pytest.mark.parametrize("javascript", [True, False])
def test_sign_in_cast_this_race_you_and_leave_on_the_hub(hub, browser, screenshot, javascript):
    org = hub.add_user("org")
    alice = hub.add_user("alice", "Alice")
    race = running_race(hub, org, "Any% Glitchless")
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()

    sign_in(page, hub, alice, f"/races/{race}")
    expect(page).to_have_url(f"{hub.url}/races/{race}")
    expect(page.get_by_text("Signed in as Alice")).to_be_visible()
    page.get_by_role("button", name="Cast this race").click()
    expect(page.locator(".casters li", has_text="Alice").locator(".badge.you")).to_be_visible()
    assert caster_logins(hub, race) == ["alice"]
    if javascript:
        screenshot(page, "hub-race-signed-in")

    page.get_by_role("button", name="Leave").click()
    expect(page.locator(".casters li", has_text="Alice")).to_have_count(0)
    expect(page.get_by_role("button", name="Cast this race")).to_be_visible()
    assert caster_logins(hub, race) == []

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    page.goto(f"{hub.url}/races/{race}")
    expect(page.get_by_role("button", name="Cast this race")).to_have_count(0)
    context.close()


def test_a_participant_sees_why_they_cannot_cast_and_a_wrong_token_opens_nothing(hub, browser):
    org = hub.add_user("org")
    runner = hub.add_user("runner", "Runner")
    race = running_race(hub, org, "Low%", participants=["runner"])
    context = browser.new_context()
    page = context.new_page()

    sign_in(page, hub, "rs_" + "A" * 43)
    expect(page.get_by_role("alert")).to_have_text("That API token is not valid here.")
    assert not any(cookie["name"].endswith("racesync_session") for cookie in context.cookies())

    page.get_by_label("API token").fill(runner)
    page.get_by_role("button", name="Sign in with a token").click()
    page.goto(f"{hub.url}/races/{race}")
    expect(page.get_by_role("button", name="Cast this race")).to_have_count(0)
    expect(page.locator(".controls .reason")).to_have_text("You are a participant of this race.")
    context.close()


def test_an_organizer_creates_and_runs_a_race_from_the_hub(hub, browser, screenshot):
    org = hub.add_user("org", "The Organizer")
    hub.add_user("runner", "Runner One")
    hub.add_user("caster", "Caster Two")
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, hub, org)

    page.get_by_role("link", name="New race").click()
    page.get_by_label("Name").fill("Any% <b>NMG</b>")
    page.get_by_role("button", name="Create race").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Any% <b>NMG</b>")

    # The login field suggests users as the organizer types (the session searches /api/users).
    page.get_by_label("Participant's Twitch login").press_sequentially("run")
    expect(page.locator("#login-suggestions option[value=runner]")).to_have_count(1)
    page.get_by_label("Participant's Twitch login").fill("runner")
    page.get_by_role("button", name="Add participant").click()
    expect(page.locator(".participants li", has_text="Runner One")).to_be_visible()
    page.get_by_role("button", name="Release seeds").click()
    page.get_by_role("button", name="Start").click()
    expect(page.locator(".status")).to_have_text("Running")
    page.get_by_label("Caster's Twitch login").fill("caster")
    page.get_by_role("button", name="Add caster").click()
    expect(page.locator(".casters li", has_text="Caster Two")).to_be_visible()
    screenshot(page, "hub-race-organizer")

    # A participant cannot also cast: the page says why and nothing changes.
    page.get_by_label("Caster's Twitch login").fill("runner")
    page.get_by_role("button", name="Add caster").click()
    expect(page.get_by_role("alert")).to_have_text("Runner is a participant of this race.")

    page.get_by_role("button", name="Remove caster Caster Two").click()
    expect(page.locator(".casters li", has_text="Caster Two")).to_have_count(0)
    page.get_by_role("button", name="Remove participant Runner One").click()
    expect(page.locator(".participants li", has_text="Runner One")).to_have_count(0)
    page.get_by_role("button", name="Finish").click()
    expect(page.locator(".status")).to_have_text("Finished")
    expect(page.get_by_role("button", name="Add caster")).to_have_count(0)
    context.close()


def test_a_token_made_on_the_settings_page_logs_racecli_in(hub, browser, folder):
    alice = hub.add_user("alice", "Alice")
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, hub, alice)
    page.get_by_role("link", name="Tokens").click()
    page.get_by_label("Name").fill("laptop")
    page.get_by_role("button", name="Create token").click()
    secret = page.locator("code.secret").inner_text()
    assert secret.startswith("rs_")

    replica = folder / "laptop.sqlite"
    subprocess.run([str(BIN / "racecli"), "login", "--db", str(replica), "--hub", hub.url, "--token-stdin"],
                   input=secret, text=True, check=True, capture_output=True)
    status = subprocess.run([str(BIN / "racecli"), "status", "--json", "--db", str(replica)],
                            check=True, capture_output=True, text=True).stdout
    assert json.loads(status)["user"]["twitch_username"] == "alice"

    # The page shows it (used just now), never its secret again; revoking it ends it.
    page.goto(f"{hub.url}/settings/tokens")
    row = page.locator("table.tokens tr", has_text="laptop")
    expect(row).not_to_contain_text("never")
    assert secret not in page.content()
    row.get_by_role("button", name="Revoke laptop").click()
    expect(page.locator("table.tokens tr", has_text="laptop")).to_have_count(0)
    failed = subprocess.run([str(BIN / "racecli"), "sync", "--db", str(replica)], capture_output=True, text=True)
    assert failed.returncode != 0
    context.close()


def session_cookies(context):
    return [cookie for cookie in context.cookies() if cookie["name"].endswith("racesync_session")]


def test_log_in_with_twitch_then_cast_and_a_cancelled_or_forged_sign_in_opens_nothing(hub, helix, browser):
    org = hub.add_user("org")
    hub.add_user("alice")  # made by an admin before her first sign-in: she is Twitch's alice
    race = running_race(hub, org, "Any% Glitchless")
    context = browser.new_context()
    page = context.new_page()

    helix.sign_in_as(None)  # the user clicks "Cancel" on Twitch
    page.goto(f"{hub.url}/login")
    page.get_by_role("link", name="Log in with Twitch").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in cancelled")
    assert session_cookies(context) == []

    page.goto(f"{hub.url}/auth/twitch/callback?code=stolen&state=forged")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in not valid")
    assert session_cookies(context) == []

    helix.sign_in_as("alice", "1001", "Alice")
    page.goto(f"{hub.url}/races/{race}")
    page.get_by_role("link", name="Log in").click()
    page.get_by_role("link", name="Log in with Twitch").click()
    expect(page).to_have_url(f"{hub.url}/races/{race}")
    expect(page.get_by_text("Signed in as Alice")).to_be_visible()
    page.get_by_role("button", name="Cast this race").click()
    expect(page.locator(".casters li", has_text="Alice").locator(".badge.you")).to_be_visible()
    assert caster_logins(hub, race) == ["alice"]
    context.close()


def test_a_button_says_joining_while_its_request_is_in_flight(hub, browser):
    org = hub.add_user("org")
    alice = hub.add_user("alice", "Alice")
    race = running_race(hub, org, "Any% Glitchless")
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, hub, alice, f"/races/{race}")
    # Hold the request: the form is not sent, so the in-flight state stays on screen.
    page.evaluate("document.addEventListener('submit', function (e) { e.preventDefault(); }, true)")
    page.get_by_role("button", name="Cast this race").click()
    busy = page.get_by_role("button", name="Joining\u2026")
    expect(busy).to_be_visible()
    expect(busy).to_have_attribute("aria-busy", "true")
    assert caster_logins(hub, race) == []
    context.close()


def start_device_login(hub, replica):
    """Starts `racecli login --device`; returns the process, the verification URL and the code."""
    login = subprocess.Popen([str(BIN / "racecli"), "login", "--db", str(replica), "--hub", hub.url, "--device",
                              "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = re.search(r"open (http\S+)", login.stderr.readline()).group(1)
    code = re.search(r"the code ([A-Z]{4}-[A-Z]{4})", login.stderr.readline()).group(1)
    return login, url, code


def test_racecli_device_login_completes_from_the_browser(hub, browser, folder, screenshot):
    hub.add_user("alice", "Alice")
    alice = hub.add_user("alice2", "Alice Two")
    login, url, code = start_device_login(hub, folder / "laptop.sqlite")
    context = browser.new_context()
    page = context.new_page()
    # Signed out, the link leads through the login page and back to the code.
    page.goto(url)
    page.get_by_label("API token").fill(alice)
    page.get_by_role("button", name="Sign in with a token").click()
    expect(page.locator("code.user-code")).to_have_text(code)
    expect(page.locator(".device-name")).to_contain_text("racecli on ")
    screenshot(page, "hub-device-login")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("Approved")
    out, err = login.communicate(timeout=60)
    assert login.returncode == 0, err
    assert json.loads(out)["user"]["twitch_username"] == "alice2"
    page.goto(f"{hub.url}/settings/tokens")
    expect(page.locator("table.tokens tr", has_text="racecli on ")).to_have_count(1)

    # Denied on the website: racecli stops with exit 1 and says so; nothing is stored.
    refused, url, code = start_device_login(hub, folder / "other.sqlite")
    page.goto(f"{hub.url}/device")
    page.get_by_label("Code shown by your terminal").fill(code.lower().replace("-", ""))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Deny").click()
    expect(page.get_by_role("status")).to_contain_text("Denied")
    out, err = refused.communicate(timeout=60)
    assert refused.returncode == 1 and "denied" in err
    assert not (folder / "other.sqlite").exists()
    context.close()


def test_sign_out_everywhere_ends_the_session_on_every_instance(folder, helix, postgres, browser):
    # Two hub instances on one PostgreSQL database: sessions live in the store.
    first = Hub(folder, helix, db=postgres, name="hub-a")
    second = Hub(folder, helix, db=postgres, name="hub-b")
    first.start()
    second.start()
    try:
        alice = first.add_user("alice", "Alice")
        laptop = browser.new_context()
        phone = browser.new_context()
        on_first = laptop.new_page()
        on_second = phone.new_page()
        sign_in(on_first, first, alice)
        sign_in(on_second, second, alice)
        expect(on_second.get_by_text("Signed in as Alice")).to_be_visible()
        # Either instance serves either session.
        on_first.goto(f"{second.url}/")
        expect(on_first.get_by_text("Signed in as Alice")).to_be_visible()

        on_first.goto(f"{first.url}/settings/tokens")
        on_first.get_by_role("button", name="Sign out everywhere").click()
        expect(on_first.get_by_role("link", name="Log in")).to_be_visible()
        on_second.reload()
        expect(on_second.get_by_role("link", name="Log in")).to_be_visible()
        expect(on_second.get_by_text("Signed in as")).to_have_count(0)
        laptop.close()
        phone.close()
    finally:
        first.stop()
        second.stop()


def test_a_cross_site_post_to_the_hub_is_refused_and_changes_nothing(hub, browser):
    org = hub.add_user("org")
    alice = hub.add_user("alice", "Alice")
    race = running_race(hub, org, "Glitched")
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, hub, alice, f"/races/{race}")
    token = page.locator("input[name=csrf]").first.get_attribute("value")

    # Another origin (same site: the cookie goes along) whose page posts the join on load.
    assert status_of_a_post_from_another_origin(page, f"{hub.url}/races/{race}/cast-join") == 403
    refused = context.request.post(f"{hub.url}/logout?everywhere=1", form={"csrf": token},
                                   headers={"Origin": "http://evil.example"})
    assert refused.status == 403
    assert caster_logins(hub, race) == []
    page.goto(f"{hub.url}/races/{race}")
    expect(page.get_by_text("Signed in as Alice")).to_be_visible()
    context.close()
