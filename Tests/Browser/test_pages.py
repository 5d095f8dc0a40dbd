"""The web pages in a real browser (CONTRACT §7): the hub's public race page updating live,
the node's offline-first caster page, its forms without JavaScript, and cross-site posts."""
import json
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from playwright.sync_api import expect

from conftest import free_port, wait_until


def running_race(hub, org, name, participants=()):
    race = hub.api("POST", "/api/races", org, {"name": name})
    for login in participants:
        hub.api("POST", f"/api/races/{race['id']}/participants", org, {"twitch_username": login})
    hub.api("POST", f"/api/races/{race['id']}/start", org)
    return race["id"]


def caster_logins(hub, race_id):
    return [member["user"]["twitch_username"] for member in hub.api("GET", f"/api/races/{race_id}")["casters"]]


def test_hub_race_page_shows_a_live_badge_without_reload(hub, helix, browser, screenshot):
    org = hub.add_user("org", "The Organizer")
    hub.add_user("runner", "Runner One")
    helix.add_account("runner", "555", "Runner One")  # the poll's GET /users gives the avatar
    caster = hub.add_user("commentator")
    race = running_race(hub, org, "Any% Glitchless", participants=["runner"])
    hub.api("POST", f"/api/races/{race}/cast-join", caster)

    page = browser.new_page()
    page.goto(f"{hub.url}/races/{race}")
    expect(page.locator("h1")).to_have_text("Any% Glitchless")
    expect(page.locator(".casters li")).to_contain_text("commentator")
    expect(page.locator("#live")).to_have_attribute("data-stream", "open")
    assert page.locator("a.badge.live").count() == 0
    page.evaluate("window.notReloaded = true")

    helix.set_live("runner", title="WR pace? <script>alert(1)</script>")
    # The moment the hub's poll recorded the stream, seen through the API ...
    wait_until(lambda: hub.api("GET", f"/api/races/{race}")["participants"][0]["is_live"], what="the poll to see the stream")
    # ... and the badge must follow within 2 s, without a reload.
    badge = page.locator(".participants li", has_text="Runner One").locator("a.badge.live")
    expect(badge).to_be_visible(timeout=2000)
    expect(badge).to_have_text("LIVE")
    expect(badge).to_have_attribute("href", "https://twitch.tv/runner")
    expect(page.locator(".participants .stream-title")).to_have_text("WR pace? <script>alert(1)</script>")
    expect(page.locator(".participants li img.avatar")).to_have_attribute(
        "src", "https://static-cdn.jtvnw.net/jtv_user_pictures/runner.png")
    assert hub.api("GET", f"/api/races/{race}")["participants"][0]["user"]["twitch_user_id"] == "555"
    assert page.evaluate("window.notReloaded") is True
    screenshot(page, "hub-race-page")

    page.goto(f"{hub.url}/")
    expect(page.locator("link[rel=alternate][type='application/atom+xml']")).to_have_attribute("href", "/feeds/live.atom")
    expect(page.locator("link[rel=alternate][type='application/feed+json']")).to_have_attribute("href", "/feeds/live.json")
    expect(page.locator(".live-now li")).to_contain_text("Runner One")
    expect(page.locator(".races li")).to_contain_text("Any% Glitchless")
    screenshot(page, "hub-front-page")
    page.close()


def cast_while_the_hub_is_down(hub, nodes, browser, race_name):
    """Alice's node page with the hub stopped, after she clicked Cast this race."""
    org = hub.add_user("org")
    alice = hub.add_user("alice", "Alice")
    race = running_race(hub, org, race_name)
    node = nodes(alice, "alice")
    hub.stop()
    page = browser.new_page()
    page.goto(node.login_url)
    page.goto(f"{node.url}/races/{race}")
    expect(page.locator(".banner.offline")).to_be_visible(timeout=10000)
    expect(page.locator(".banner.offline")).to_contain_text("Last successful sync")
    page.get_by_role("button", name="Cast this race").click()
    return org, race, node, page


def test_node_page_casts_offline_and_clears_pending_when_the_hub_returns(hub, nodes, browser, screenshot):
    _, race, _, page = cast_while_the_hub_is_down(hub, nodes, browser, "Any% NMG")
    me = page.locator(".casters li", has_text="Alice")
    expect(me.locator(".badge.you")).to_have_text("(You)")
    expect(me.locator(".badge.pending")).to_have_text("pending sync")
    expect(page.get_by_role("button", name="Leave")).to_be_visible()
    expect(page.locator("#live")).to_have_attribute("data-stream", "open")
    page.evaluate("window.notReloaded = true")
    screenshot(page, "node-race-page-offline")

    hub.start()
    expect(me.locator(".badge.pending")).to_have_count(0, timeout=15000)
    expect(page.locator(".banner.offline")).to_have_count(0)
    expect(me.locator(".badge.you")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True
    assert caster_logins(hub, race) == ["alice"]
    screenshot(page, "node-race-page")
    page.close()


def test_a_join_the_hub_refuses_shows_its_reason_and_is_rolled_back(hub, nodes, browser):
    org, race, node, page = cast_while_the_hub_is_down(hub, nodes, browser, "100% Any Order")
    expect(page.locator(".casters li", has_text="Alice").locator(".badge.pending")).to_be_visible()

    # Meanwhile the organizer finishes the race through a hub this node cannot reach.
    elsewhere = hub.start(port=free_port())
    hub.api("POST", f"/api/races/{race}/finish", org, base=elsewhere)
    hub.stop()
    hub.start()

    notice = page.locator(".notice", has_text="Rejected by the hub")
    expect(notice).to_contain_text("finished", timeout=15000)
    expect(notice).to_contain_text("(400)")
    expect(page.locator(".casters li", has_text="Alice")).to_have_count(0)
    expect(page.locator(".status")).to_have_text("Finished")
    assert caster_logins(hub, race) == []

    notice.get_by_role("button", name="Dismiss").click()
    expect(page.locator(".notice")).to_have_count(0)
    assert json.loads(node.racecli("status", "--json"))["rejected"] == []
    page.close()


def test_forms_join_and_leave_without_javascript(hub, nodes, browser):
    org = hub.add_user("org")
    alice = hub.add_user("alice", "Alice")
    race = running_race(hub, org, "Low%")
    node = nodes(alice, "alice")

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(node.login_url)
    page.goto(f"{node.url}/races/{race}")
    assert page.locator("#live").get_attribute("data-stream") is None
    page.get_by_role("button", name="Cast this race").click()
    expect(page.locator(".casters li", has_text="Alice").locator(".badge.you")).to_be_visible()
    wait_until(lambda: caster_logins(hub, race) == ["alice"], what="the join to reach the hub")

    page.get_by_role("button", name="Leave").click()
    expect(page.locator(".casters li", has_text="Alice")).to_have_count(0)
    expect(page.get_by_role("button", name="Cast this race")).to_be_visible()
    wait_until(lambda: caster_logins(hub, race) == [], what="the leave to reach the hub")
    context.close()


class EvilSite:
    """Another origin serving a page whose form posts to the node on load."""

    def __init__(self, target):
        page = f"""<!doctype html><form id="f" method="post" action="{target}">
<input type="hidden" name="csrf" value="guessed"></form><script>document.getElementById('f').submit()</script>"""

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                body = page.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def status_of_a_post_from_another_origin(page, target):
    """Opens another origin's page that posts a form to `target` on load; the answer's status."""
    evil = EvilSite(target)
    try:
        with page.expect_response(lambda response: response.url == target) as answer:
            page.goto(evil.url)
        return answer.value.status
    finally:
        evil.stop()


def test_a_cross_site_post_is_refused_and_changes_nothing(hub, nodes, browser):
    org = hub.add_user("org")
    alice = hub.add_user("alice", "Alice")
    race = running_race(hub, org, "Glitched")
    node = nodes(alice, "alice")

    context = browser.new_context()
    page = context.new_page()
    page.goto(node.login_url)  # the user has a session with the node
    page.goto(f"{node.url}/races/{race}")
    token = page.locator("input[name=csrf]").first.get_attribute("value")
    assert alice not in page.content()  # the API token never reaches the browser

    assert status_of_a_post_from_another_origin(page, f"{node.url}/races/{race}/cast-join") == 403
    # The session's real token does not help another origin either.
    refused = context.request.post(f"{node.url}/races/{race}/cast-join", form={"csrf": token},
                                   headers={"Origin": "http://evil.example"})
    assert refused.status == 403
    # Nor does a same-origin post without the session's token.
    refused = context.request.post(f"{node.url}/races/{race}/cast-join", form={"csrf": "guessed"},
                                   headers={"Origin": node.url})
    assert refused.status == 403

    time.sleep(1.5)
    status = json.loads(node.racecli("status", "--json"))
    assert status["pending"] == []
    assert json.loads(node.racecli("race", race, "--json"))["casters"] == []
    assert caster_logins(hub, race) == []
    context.close()


def test_open_event_streams_do_not_hold_up_a_graceful_stop(hub, nodes):
    org = hub.add_user("org")
    alice = hub.add_user("alice")
    race = running_race(hub, org, "Any%")
    node = nodes(alice, "alice")
    own = urllib.request.Request(f"{node.url}/races/{race}/events", headers={"Cookie": node.session_cookie()})
    streams = [urllib.request.urlopen(f"{hub.url}/races/{race}/events", timeout=30),
               urllib.request.urlopen(own, timeout=30)]
    for stream in streams:
        assert stream.headers["Content-Type"] == "text/event-stream; charset=utf-8"
        assert stream.readline() == b"retry: 2000\n"
    for process in (hub.process, node.process):
        started = time.monotonic()
        process.terminate()
        assert process.wait(timeout=20) == 0
        assert time.monotonic() - started < 5
    for stream in streams:
        stream.close()


def raw(url, method="GET", path="/", headers=None, body=None):
    """One request with exactly these headers (http.client adds Host unless given)."""
    import http.client
    import urllib.parse
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.putrequest(method, path, skip_host=bool(headers and "Host" in headers), skip_accept_encoding=True)
    for name, value in (headers or {}).items():
        connection.putheader(name, value)
    if body is not None:
        connection.putheader("Content-Length", str(len(body)))
    connection.endheaders(body)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status


def test_the_node_pages_refuse_odd_requests_and_change_nothing(hub, nodes):
    org = hub.add_user("org")
    alice = hub.add_user("alice")
    race = running_race(hub, org, "Any%")
    node = nodes(alice, "alice")
    join = f"/races/{race}/cast-join"
    # The login URL: on the node's stderr, in a 0600 file beside the replica, and from racecli web.
    import os
    assert node.login_url.startswith(f"{node.url}/login?token=")
    assert node.login_url in (node.log_path.read_text())
    assert os.stat(str(node.db) + ".web").st_mode & 0o777 == 0o600
    assert node.racecli("web").strip() == node.login_url
    # Without the session the login URL opens, nothing is served: not a page, a stream or a form.
    for path in ("/", f"/races/{race}", f"/races/{race}/events", "/login", "/login?token=guessed"):
        assert raw(node.url, path=path) == 403, path
    cookie = {"Cookie": node.session_cookie()}
    form = {"Content-Type": "application/x-www-form-urlencoded", "Origin": node.url, **cookie}
    # Another host name for this address (DNS rebinding): no page, no stream, no form.
    for path in ("/", f"/races/{race}", f"/races/{race}/events"):
        assert raw(node.url, path=path, headers={"Host": f"evil.example:{node.port}"}) == 403
    assert raw(node.url, "POST", join, headers={**form, "Host": f"evil.example:{node.port}"}, body=b"csrf=x") == 403
    # No session cookie, a garbage cookie, an oversized form, a bad id.
    without_session = {name: value for name, value in form.items() if name != "Cookie"}
    assert raw(node.url, "POST", join, headers=without_session, body=b"csrf=x") == 403
    assert raw(node.url, "POST", join, headers=form, body=b"csrf=x") == 403
    assert raw(node.url, "POST", join, headers={**form, "Cookie": "racesync_session=" + "A" * 5000}, body=b"csrf=x") == 403
    assert raw(node.url, "POST", join, headers=form, body=b"csrf=" + b"x" * 20000) == 413
    assert raw(node.url, path="/races/not-a-uuid", headers=cookie) == 422
    assert raw(node.url, "POST", "/notices/not-a-uuid/dismiss", headers=form, body=b"csrf=x") == 403
    # Nothing changed, and the node still serves.
    assert json.loads(node.racecli("status", "--json"))["pending"] == []
    assert caster_logins(hub, race) == []
    assert raw(node.url, path="/", headers=cookie) == 200


def test_the_obs_overlay_is_transparent_and_shows_who_goes_live_without_reload(hub, helix, browser, screenshot):
    org = hub.add_user("org")
    hub.add_user("runner", "Runner <One>")
    race = running_race(hub, org, "Any% Glitchless", participants=["runner"])
    page = browser.new_page()
    page.goto(f"{hub.url}/races/{race}")
    page.get_by_role("link", name="The live-now overlay").click()
    expect(page).to_have_url(f"{hub.url}/races/{race}/overlay")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background in ("rgba(0, 0, 0, 0)", "transparent"), background
    assert page.evaluate("getComputedStyle(document.body).overflow") == "hidden"
    expect(page.locator("#overlay-live li")).to_have_count(0)
    page.evaluate("window.notReloaded = true")

    helix.set_live("runner", title="WR pace")
    expect(page.locator("#overlay-live li")).to_have_text(["Runner <One>"], timeout=5000)
    assert page.evaluate("window.notReloaded") is True
    screenshot(page, "hub-overlay")
    helix.set_offline("runner")
    expect(page.locator("#overlay-live li")).to_have_count(0, timeout=5000)
    page.close()
