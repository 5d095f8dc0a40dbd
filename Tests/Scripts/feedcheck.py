#!/usr/bin/env python3
"""Checks a rendered feed with a real feed client (feedparser).

usage: feedcheck.py FEED_FILE SPEC_JSON
SPEC_JSON: {"version": "atom10"|"rss20", "title": str, "hub": WebSub hub URL or absent,
            "items": [{"id", "title", "link", "started_at": unix seconds, "summary": str}]}
Titles and summaries are compared as a reader shows them: text declared as HTML is
rendered (entities unescaped), and must then read as the literal text, never as markup.
Prints the problems found, one per line, and exits 1 if there are any.
"""
import calendar
import html
import json
import sys

import feedparser

feed_path, spec_path = sys.argv[1], sys.argv[2]
with open(spec_path) as f:
    spec = json.load(f)
with open(feed_path, "rb") as f:
    parsed = feedparser.parse(f.read())

def shown(entry, field):
    """What a reader displays for a text field: HTML rendered, plain text as is."""
    value = entry.get(field)
    detail = entry.get(field + "_detail") or {}
    if value is not None and detail.get("type") == "text/html":
        if "<" in value:
            return "MARKUP: " + value
        return html.unescape(value)
    return value


problems = []
if parsed.bozo:
    problems.append(f"bozo: {parsed.get('bozo_exception')!r}")
if parsed.version != spec["version"]:
    problems.append(f"version {parsed.version!r}, expected {spec['version']!r}")
if parsed.feed.get("title") != spec["title"]:
    problems.append(f"feed title {parsed.feed.get('title')!r}")
if len(parsed.entries) != len(spec["items"]):
    problems.append(f"{len(parsed.entries)} entries, expected {len(spec['items'])}")
for entry, item in zip(parsed.entries, spec["items"]):
    if entry.get("id") != item["id"]:
        problems.append(f"id {entry.get('id')!r} != {item['id']!r}")
    if shown(entry, "title") != item["title"]:
        problems.append(f"title {shown(entry, 'title')!r} != {item['title']!r}")
    # feed readers trim surrounding white space from text content
    if (shown(entry, "summary") or "").strip() != item["summary"].strip():
        problems.append(f"summary {shown(entry, 'summary')!r} != {item['summary']!r}")
    if entry.get("link") != item["link"]:
        problems.append(f"link {entry.get('link')!r} != {item['link']!r}")
    when = entry.get("published_parsed") or entry.get("updated_parsed")
    if when is None or calendar.timegm(when) != item["started_at"]:
        problems.append(f"date {when!r} != {item['started_at']}")
if spec.get("hub"):
    hubs = [link.get("href") for link in parsed.feed.get("links", []) if link.get("rel") == "hub"]
    if hubs != [spec["hub"]]:
        problems.append(f"rel=hub links {hubs!r}, expected [{spec['hub']!r}]")
for line in problems:
    print(line)
sys.exit(1 if problems else 0)
