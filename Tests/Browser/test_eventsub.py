"""Twitch's pushes (EventSub, CONTRACT §5) against a real hub: a signed `stream.online` puts the
LIVE badge on an open page and the stream in the feed at once (long before the next poll); a forged
or replayed message changes nothing; `stream.offline` takes the badge away."""
import datetime
import json
import urllib.request

from playwright.sync_api import expect

from conftest import Hub
from test_pages import running_race

SECRET = "browser-test-eventsub-secret"


def test_a_push_puts_the_live_badge_up_at_once_and_a_forged_one_does_nothing(folder, helix, browser):
    # Polls an hour apart: whatever changes after the first one comes from the pushes.
    hub = Hub(folder, helix, poll_interval=3600, eventsub_secret=SECRET)
    hub.start()
    try:
        org = hub.add_user("org")
        hub.add_user("runner", "Runner One")
        race = running_race(hub, org, "Any% Glitchless", participants=["runner"])
        callback = f"{hub.url}/twitch/eventsub"
        page = browser.new_page()
        page.goto(f"{hub.url}/races/{race}")
        expect(page.locator("#live")).to_have_attribute("data-stream", "open")
        badge = page.locator(".participants li", has_text="Runner One").locator("a.badge.live")

        helix.set_live("runner", title="Pushed, not polled")  # what the one Helix lookup after the push finds
        assert helix.notify(callback, SECRET, "stream.online", "runner", "4242", signed_with="wrong-secret-123") == 403
        stale = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=11)
        assert helix.notify(callback, SECRET, "stream.online", "runner", "4242", sent_at=stale) == 204
        page.wait_for_timeout(500)
        assert badge.count() == 0

        assert helix.notify(callback, SECRET, "stream.online", "runner", "4242", message_id="m-1") == 204
        expect(badge).to_be_visible(timeout=2000)
        expect(page.locator(".participants .stream-title")).to_have_text("Pushed, not polled")
        with urllib.request.urlopen(f"{hub.url}/feeds/live.atom", timeout=10) as feed:
            assert "Pushed, not polled" in feed.read().decode()

        assert helix.notify(callback, SECRET, "stream.offline", "runner", "4242", message_id="m-2") == 204
        expect(badge).to_have_count(0, timeout=2000)
        # Twitch delivering the online message again changes nothing.
        assert helix.notify(callback, SECRET, "stream.online", "runner", "4242", message_id="m-1") == 204
        page.wait_for_timeout(500)
        assert badge.count() == 0
        detail = json.loads(urllib.request.urlopen(f"{hub.url}/api/races/{race}", timeout=10).read())
        assert detail["participants"][0]["is_live"] is False
        page.close()
    finally:
        hub.stop()
