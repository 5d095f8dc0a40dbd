"""Markup hidden in Unicode graphemes (CONTRACT §6): a `<` after a Prepend mark (U+0600) or a
`>` before a combining mark (U+0301) is escaped like any other. Each page is parsed by a real
HTML5 parser (html5lib): the hostile text is text, and no element or attribute appears that the
template did not write. Chromium confirms that a race named with a meta refresh sends nobody away."""
import json
import random
import time
import urllib.request

import html5lib

ATTACK = "x \u0600<meta http-equiv=refresh content=0;url=https://example.invalid/>\u0301"
ALPHABET = ["<", ">", "&", '"', "'", "=", "/", " ", "a", "\u0600", "\u0605", "\u06dd", "\u0301", "\u20dd", "\u200d",
            "\U0001F469", "\u2764\ufe0f", "script", "meta", "img src=x onerror=alert(1)", "\u00e9", "\U0001F3FB"]


def hostile_names(count, seed=22):
    rng = random.Random(seed)
    names = []
    while len(names) < count:
        name = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 16))).strip()
        if name and len(name) <= 200:
            names.append(name)
    return names


def get(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def skeleton(html):
    """Every element with its attribute names, in document order."""
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    return [(element.tag, tuple(sorted(element.attrib))) for element in tree.iter() if isinstance(element.tag, str)]


def h1_text(html):
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    return "".join(tree.find(".//h1").itertext())


def test_hostile_race_names_stay_text_on_every_page(hub):
    org = hub.add_user("org")
    benign = hub.api("POST", "/api/races", org, {"name": "plain"})["id"]
    benign_race = skeleton(get(f"{hub.url}/races/{benign}"))
    for name in [ATTACK] + hostile_names(40):
        race = hub.api("POST", "/api/races", org, {"name": name})["id"]
        stored = hub.api("GET", f"/api/races/{race}")["name"]
        page = get(f"{hub.url}/races/{race}")
        assert skeleton(page) == benign_race, f"markup added by {name!r}"
        assert h1_text(page) == stored, f"name {name!r} not shown as text"
        assert "<meta http-equiv=refresh" not in page
    # The front page lists all of those races: still only the template's elements, once per race.
    front = skeleton(get(f"{hub.url}/"))
    assert not any(tag == "meta" and "http-equiv" in attrs for tag, attrs in front)
    assert not any(tag in ("img", "script") and "src" in attrs and tag != "script" for tag, attrs in front)


def test_the_event_stream_html_is_escaped_per_code_point(hub, helix):
    org = hub.add_user("org")
    hub.add_user("runner", ATTACK[:90])
    race = hub.api("POST", "/api/races", org, {"name": ATTACK})["id"]
    hub.api("POST", f"/api/races/{race}/participants", org, {"twitch_username": "runner"})
    hub.api("POST", f"/api/races/{race}/start", org)
    helix.set_live("runner", title="\u0600<form action=https://example.invalid>\u0301")
    deadline = time.monotonic() + 15
    while not hub.api("GET", f"/api/races/{race}")["participants"][0]["is_live"]:
        assert time.monotonic() < deadline, "the poll never saw the stream"
        time.sleep(0.1)
    with urllib.request.urlopen(f"{hub.url}/races/{race}/events?since=", timeout=10) as stream:
        data = ""
        while not data:
            line = stream.readline().decode("utf-8")
            if line.startswith("data:"):
                data = line[5:].strip()
    html = json.loads(data)["html"]
    elements = skeleton(html)
    assert not any(tag in ("meta", "form") for tag, _ in elements), elements
    assert "\u0600&lt;form" in html


def test_a_meta_refresh_in_a_race_name_sends_nobody_away(hub, browser):
    org = hub.add_user("org")
    race = hub.api("POST", "/api/races", org, {"name": ATTACK})["id"]
    page = browser.new_page()
    page.goto(f"{hub.url}/races/{race}")
    time.sleep(1.5)
    assert page.url == f"{hub.url}/races/{race}"
    assert page.locator("meta[http-equiv]").count() == 0
    assert page.locator("h1").inner_text().startswith("x \u0600<meta")
    page.close()
