#!/usr/bin/env python3
"""Checks a rendered feed with a real feed client (feedparser).

usage: feedcheck.py FEED_FILE SPEC_JSON
SPEC_JSON: {"version": "atom10"|"rss20", "title": str,
            "items": [{"id", "title", "link", "started_at": unix seconds}]}
Prints the problems found, one per line, and exits 1 if there are any.
"""
import calendar
import json
import sys

import feedparser

feed_path, spec_path = sys.argv[1], sys.argv[2]
with open(spec_path) as f:
    spec = json.load(f)
with open(feed_path, "rb") as f:
    parsed = feedparser.parse(f.read())

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
    if entry.get("title") != item["title"]:
        problems.append(f"title {entry.get('title')!r} != {item['title']!r}")
    if entry.get("link") != item["link"]:
        problems.append(f"link {entry.get('link')!r} != {item['link']!r}")
    when = entry.get("published_parsed") or entry.get("updated_parsed")
    if when is None or calendar.timegm(when) != item["started_at"]:
        problems.append(f"date {when!r} != {item['started_at']}")
for line in problems:
    print(line)
sys.exit(1 if problems else 0)
