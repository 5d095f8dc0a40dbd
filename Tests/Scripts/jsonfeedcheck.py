#!/usr/bin/env python3
"""Checks a rendered JSON Feed against the JSON Feed 1.1 schema (jsonschema) and a spec.

usage: jsonfeedcheck.py FEED_FILE SPEC_JSON
SPEC_JSON: as feedcheck.py ({"title", "items": [{"id", "title", "link", "started_at", "summary"}]}).
Prints the problems found, one per line, and exits 1 if there are any.
"""
import datetime
import json
import pathlib
import sys

import jsonschema

feed_path, spec_path = sys.argv[1], sys.argv[2]
schema = json.loads((pathlib.Path(__file__).parent / "jsonfeed-1.1.schema.json").read_text())
with open(spec_path) as f:
    spec = json.load(f)
problems = []
try:
    with open(feed_path, "rb") as f:
        feed = json.loads(f.read().decode("utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    problems += [f"schema: {error.message} at {list(error.path)}" for error in validator.iter_errors(feed)]
except ValueError as error:
    problems.append(f"not JSON: {error}")
    feed = {"items": []}
if feed.get("title") != spec["title"]:
    problems.append(f"feed title {feed.get('title')!r}")
items = feed.get("items", [])
if len(items) != len(spec["items"]):
    problems.append(f"{len(items)} items, expected {len(spec['items'])}")
for item, wanted in zip(items, spec["items"]):
    for field, key in (("id", "id"), ("title", "title"), ("url", "link"), ("content_text", "summary")):
        if item.get(field) != wanted[key]:
            problems.append(f"{field} {item.get(field)!r} != {wanted[key]!r}")
    published = item.get("date_published", "")
    when = datetime.datetime.fromisoformat(published.replace("Z", "+00:00")) if published else None
    if when is None or int(when.timestamp()) != wanted["started_at"]:
        problems.append(f"date {published!r} != {wanted['started_at']}")
if spec.get("hub"):
    hubs = feed.get("hubs", [])
    if hubs != [{"type": "WebSub", "url": spec["hub"]}]:
        problems.append(f"hubs {hubs!r}, expected one WebSub hub {spec['hub']!r}")
for line in problems:
    print(line)
sys.exit(1 if problems else 0)
