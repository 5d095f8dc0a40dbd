# RaceSync — two commands do everything on a fresh Debian machine:
#   make run    install missing system packages, build (release), start a hub
#   make test   install missing system packages, build and run the whole test suite

SWIFT        ?= swift
APT_PACKAGES := libsqlite3-dev libcurl4-openssl-dev libxml2-dev sqlite3 python3 python3-pip
HUB_ARGS     ?=

.PHONY: run test build deps pydeps openapi crash-test bench fuzz clean

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

build: deps
	$(SWIFT) build -c release

## Start a hub on the default store ($$XDG_DATA_HOME/racesync/hub.sqlite); HUB_ARGS adds flags.
run: build
	.build/release/syncd hub $(HUB_ARGS)

## A real feed client for the feed tests (from PyPI), when missing.
pydeps:
	@python3 -c "import feedparser" 2>/dev/null || python3 -m pip install --quiet feedparser \
	  || python3 -m pip install --quiet --break-system-packages feedparser

test: deps pydeps
	$(SWIFT) build --build-tests
	RACESYNC_REQUIRE_FEEDPARSER=1 $(SWIFT) test --skip-build

## Release benchmarks, each figure next to a same-run baseline; writes bench/results.json.
bench: deps
	@command -v wrk >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk curl; }
	$(SWIFT) build -c release --product syncd
	$(SWIFT) build -c release --product racecli
	$(SWIFT) build -c release --product racesync-bench
	.build/release/racesync-bench

## kill -9 the hub 20 times under load (make test runs a 3-cycle form).
crash-test: deps
	$(SWIFT) build --build-tests
	RACESYNC_CRASH_CYCLES=20 $(SWIFT) test --skip-build --filter CrashTests

## schemathesis against the served OpenAPI document (FUZZ_EXAMPLES per operation, default 100).
fuzz: deps
	bash scripts/fuzz.sh

## Re-embed docs/openapi.yaml into the hub after editing it.
openapi:
	python3 scripts/embed-openapi.py

clean:
	rm -rf .build
