"""Fixtures of the browser tests: real `syncd hub` and `syncd node --web` processes on
loopback, a fake Helix (the only stand-in), and Debian's Chromium driven by Playwright."""
import json
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import sync_playwright

from fake_helix import CLIENT_ID, CLIENT_SECRET, FakeHelix

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(os.environ.get("RACESYNC_BIN_DIR", ROOT / ".build" / "debug"))
SCREENSHOTS = pathlib.Path(os.environ.get("RACESYNC_SCREENSHOTS", ROOT / ".build" / "screenshots"))
CHROMIUM = os.environ.get("RACESYNC_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, timeout=15.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:
            pass
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class Hub:
    """A `syncd hub` on a SQLite file, stopped and started again on the same file and port."""

    def __init__(self, folder, helix, db=None, name="hub", poll_interval=1, eventsub_secret=None, extra_args=(),
                 public_url=None):
        self.poll_interval = poll_interval
        self.public_url = public_url
        self.extra_args = list(extra_args)
        self.eventsub_secret = eventsub_secret
        self.folder = folder
        self.db = db or folder / "hub.sqlite"
        self.port = free_port()
        self.helix = helix
        self.process = None
        self.log = open(folder / f"{name}.log", "ab")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, port=None):
        env = dict(os.environ, TWITCH_CLIENT_ID=CLIENT_ID, TWITCH_CLIENT_SECRET=CLIENT_SECRET,
                   TWITCH_API_URL=self.helix.api_url, TWITCH_AUTH_URL=self.helix.auth_url)
        if self.eventsub_secret:
            env["RACESYNC_EVENTSUB_SECRET"] = self.eventsub_secret
        port = port or self.port
        self.process = subprocess.Popen(
            [str(BIN / "syncd"), "hub", "--db", str(self.db), "--port", str(port), "--poll-interval", str(self.poll_interval),
             "--public-url", self.public_url or f"http://127.0.0.1:{port}", *self.extra_args],
            env=env, stdout=self.log, stderr=self.log)
        wait_until(lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).status == 200,
                   what="the hub to answer /healthz")
        return f"http://127.0.0.1:{port}"

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None

    def add_user(self, login, display_name=None):
        args = [str(BIN / "syncd"), "user", "add", login, "--db", str(self.db)]
        if display_name:
            args += ["--display-name", display_name]
        out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
        return out.strip().splitlines()[-1]

    def api(self, method, path, token=None, body=None, base=None):
        request = urllib.request.Request((base or self.url) + path, method=method,
                                         data=None if body is None else json.dumps(body).encode())
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"null")


class Node:
    """A logged-in replica with `syncd node --web` serving its pages."""

    def __init__(self, folder, hub, token, name):
        self.db = folder / f"{name}.sqlite"
        self.port = free_port()
        self.log_path = folder / f"{name}.log"
        self.log = open(self.log_path, "ab")
        subprocess.run([str(BIN / "racecli"), "login", "--db", str(self.db), "--hub", hub.url, "--token-stdin"],
                       input=token, text=True, check=True, capture_output=True)
        self.process = subprocess.Popen(
            [str(BIN / "syncd"), "node", "--db", str(self.db), "--interval", "1", "--web", f"127.0.0.1:{self.port}"],
            stdout=self.log, stderr=self.log)
        login_file = pathlib.Path(str(self.db) + ".web")
        wait_until(lambda: login_file.exists() and f":{self.port}/login?token=" in login_file.read_text(), what="the node's login URL")
        self.login_url = login_file.read_text().strip()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def session_cookie(self):
        """A session opened with the login URL, as a Cookie header value."""
        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None
        try:
            urllib.request.build_opener(NoRedirect).open(self.login_url, timeout=10)
        except urllib.error.HTTPError as answer:
            assert answer.code == 303, answer.code
            return answer.headers["Set-Cookie"].split(";")[0]
        raise AssertionError("the login URL did not answer 303")

    def racecli(self, *args):
        out = subprocess.run([str(BIN / "racecli"), *args, "--db", str(self.db)], check=True, capture_output=True, text=True)
        return out.stdout

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


@pytest.fixture
def folder():
    path = pathlib.Path(tempfile.mkdtemp(prefix="racesync-browser-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def helix():
    fake = FakeHelix()
    yield fake
    fake.stop()


@pytest.fixture
def hub(folder, helix):
    hub = Hub(folder, helix)
    hub.start()
    yield hub
    hub.stop()


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL cluster (scripts/pg-test-cluster); yields its database URL."""
    folder = pathlib.Path(tempfile.mkdtemp(prefix="racesync-browser-pg-"))
    script = str(ROOT / "scripts" / "pg-test-cluster")
    # The folder itself holds the cluster (the script gives it to the server's user).
    url = subprocess.run([script, "start", str(folder)], check=True, capture_output=True,
                         text=True).stdout.strip().splitlines()[-1]
    yield url
    subprocess.run([script, "stop", str(folder)], capture_output=True)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def nodes(folder, hub):
    started = []

    def start(token, name):
        node = Node(folder, hub, token, name)
        started.append(node)
        return node

    yield start
    for node in started:
        node.stop()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield browser
        browser.close()


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        for label, width in (("desktop", 1280), ("375px", 375)):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})

    return take
