# RaceSync — two commands do everything on a fresh Debian machine:
#   make run    install missing system packages, build (release), start a hub
#   make test   install missing system packages, build and run the whole test suite
#               (Swift tests, then the web pages in Chromium)

SWIFT        ?= swift
APT_PACKAGES := libsqlite3-dev libcurl4-openssl-dev libxml2-dev zlib1g-dev sqlite3 python3 python3-pip
HUB_ARGS     ?=

.PHONY: format format-check run test build deps pgdeps pydeps browserdeps browser-test screenshots check-architecture crash-test bench fuzz fuzz-native clean

## Install the Debian packages the build needs, only when some are missing.
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing; \
	fi

## Release binaries with the Swift runtime linked in: racecli starts in milliseconds, and
## `make run` builds only what it runs.
RELEASE := -c release --static-swift-stdlib

build: deps
	$(SWIFT) build $(RELEASE) --product syncd
	$(SWIFT) build $(RELEASE) --product racecli

## Start a hub on the default store ($$XDG_DATA_HOME/racesync/hub.sqlite); HUB_ARGS adds flags.
## Built without the PostgreSQL trait (no postgres-nio, no second TLS library): the first run
## starts minutes sooner; `make build` builds the full binary, PostgreSQL included.
run: deps
	$(SWIFT) build $(RELEASE) --disable-default-traits --product syncd
	.build/release/syncd hub $(HUB_ARGS)

## A real feed client and JSON Feed schema checker for the feed tests, and a WebSocket client for
## the browser suite (from PyPI), when missing.
pydeps:
	@python3 -c "import feedparser, jsonschema, websockets" 2>/dev/null \
	  || python3 -m pip install --quiet feedparser jsonschema websockets \
	  || python3 -m pip install --quiet --break-system-packages feedparser jsonschema websockets

## The browser tests' tools: Debian's Chromium and Playwright + pytest from PyPI (Playwright
## drives the system Chromium; it cannot download its own browsers here).
BROWSER_PY := playwright==1.65.2 pytest html5lib
browserdeps:
	@command -v chromium >/dev/null || { \
	  SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; \
	  echo "installing: chromium"; $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; }
	@python3 -c "import playwright, pytest, html5lib" 2>/dev/null || python3 -m pip install --quiet $(BROWSER_PY) \
	  || python3 -m pip install --quiet --break-system-packages $(BROWSER_PY)

## The web pages in a real browser against real hub and node processes (debug binaries).
browser-test: deps browserdeps
	$(SWIFT) build --product syncd
	$(SWIFT) build --product racecli
	python3 -m pytest Tests/Browser -q

## Refresh the screenshots the README shows (desktop and 375 px wide).
screenshots: deps browserdeps
	$(SWIFT) build --product syncd
	$(SWIFT) build --product racecli
	RACESYNC_SCREENSHOTS=docs/screenshots python3 -m pytest Tests/Browser -q

## The checked-in .swift-format (4 spaces, lines up to 120) over every Swift file; make test checks it.
SWIFT_TREES := Sources Tests Benchmarks Fuzz Package.swift
format:
	$(SWIFT) format -i -r $(SWIFT_TREES)

format-check:
	$(SWIFT) format lint --strict -r $(SWIFT_TREES)

## The module graph is the architecture: fail when a target declares or imports a module
## outside its allowed set (see docs/architecture.md).
check-architecture:
	python3 scripts/check-architecture.py

## Debian's PostgreSQL for the tests, when missing (the tests start their own throwaway cluster),
## and openssl for the TLS tests' certificates.
pgdeps:
	@missing=""; ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="postgresql"; \
	command -v openssl >/dev/null || missing="$$missing openssl"; \
	[ -z "$$missing" ] || { \
	  SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; \
	  echo "installing:$$missing"; $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing; }
	@# pg_auto_failover (a monitor and keepers) runs the failover tests' HA cluster.
	@command -v pg_autoctl >/dev/null || { \
	  SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; v=$$(ls /usr/lib/postgresql | sort -V | tail -1); \
	  echo "installing: postgresql-$$v-auto-failover pg-auto-failover-cli"; \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q postgresql-$$v-auto-failover pg-auto-failover-cli \
	    || { $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q postgresql-$$v-auto-failover pg-auto-failover-cli; }; }

## The whole suite. The Swift tests run against a throwaway PostgreSQL cluster in a temporary
## folder (scripts/pg-test-cluster), stopped at the end even when tests fail. scripts/watchdog
## stops a run that hangs and names the tests still running (the suite takes ~5 minutes here).
## Last, the build `make run` makes (without PostgreSQL) must compile and refuse a PostgreSQL store.
test: deps pgdeps pydeps browserdeps check-architecture format-check
	$(SWIFT) build --build-tests
	scripts/pg-test-cluster run -- scripts/watchdog 30 -- \
	  env RACESYNC_REQUIRE_FEEDPARSER=1 RACESYNC_REQUIRE_POSTGRES=1 $(SWIFT) test --skip-build
	scripts/watchdog 15 -- python3 -m pytest Tests/Browser -q
	SWIFT=$(SWIFT) scripts/check-sqlite-only-build

## Release benchmarks, each figure next to a same-run baseline; writes bench/results.json.
bench: deps pgdeps
	@command -v wrk >/dev/null && test -x /usr/sbin/nginx || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk curl nginx-light; }
	$(SWIFT) build $(RELEASE) --product syncd
	$(SWIFT) build $(RELEASE) --product racecli
	$(SWIFT) build $(RELEASE) --product racesync-bench
	RACESYNC_PG_DURABLE=1 scripts/pg-test-cluster run -- .build/release/racesync-bench

## kill -9 the hub 20 times under load (make test runs a 3-cycle form).
crash-test: deps pgdeps
	$(SWIFT) build --build-tests
	scripts/pg-test-cluster run -- env RACESYNC_CRASH_CYCLES=20 RACESYNC_REQUIRE_POSTGRES=1 $(SWIFT) test --skip-build --filter CrashTests

## schemathesis against the served OpenAPI document (FUZZ_EXAMPLES per operation, default 100).
fuzz: deps
	bash scripts/fuzz.sh

## Native coverage-guided fuzzing (libFuzzer + AddressSanitizer): builds each fuzzer in
## .build-fuzz and runs it FUZZ_SECONDS (default 60) on a copy of its seed corpus in
## fixtures/fuzz/; crashes land in .build-fuzz/crashes/. Not part of `make test`.
FUZZ_SECONDS ?= 60
FUZZERS      := parsers push-decoder helix-decoder feed-roundtrip page-renderer
fuzz-native: deps
	@set -e; for f in $(FUZZERS); do \
	  RACESYNC_FUZZ=1 $(SWIFT) build -c release --scratch-path .build-fuzz --product fuzz-$$f \
	    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library; \
	done
	@mkdir -p .build-fuzz/crashes; set -e; for f in $(FUZZERS); do \
	  mkdir -p .build-fuzz/corpus/$$f; cp -n fixtures/fuzz/$$f/* .build-fuzz/corpus/$$f/ 2>/dev/null || true; \
	  echo "== fuzz-$$f for $(FUZZ_SECONDS) s"; \
	  .build-fuzz/release/fuzz-$$f .build-fuzz/corpus/$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    -artifact_prefix=.build-fuzz/crashes/$$f- -rss_limit_mb=4096 2>&1 | grep -E "^(stat::|==|#[0-9]+ +DONE|SUMMARY|.*ERROR)" ; \
	done

clean:
	rm -rf .build
