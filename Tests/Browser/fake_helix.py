"""A small fake of Twitch's Helix API and OAuth server for the browser tests, strict like the
real one: client-credentials tokens from POST /oauth2/token, 401 on a missing or unknown token
or a wrong Client-Id, `first` defaulting to 20 (at most 100), opaque pagination cursors; and the
authorization code flow ("Log in with Twitch"): /oauth2/authorize redirects back at once for the
account a test chose (or with error=access_denied), codes are single-use and bound to their
redirect_uri, /oauth2/validate answers for user tokens, GET /helix/users with a user token."""
import datetime
import hashlib
import hmac
import json
import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CLIENT_ID = "browser-test-client"
CLIENT_SECRET = "browser-test-secret"


class FakeHelix:
    def __init__(self):
        self.tokens = set()
        self.live = {}  # login -> (stream id, title, started_at)
        self.signing_in = None  # the account /authorize approves next: (user id, login, display name)
        self.codes = {}  # code -> (account, redirect_uri), each usable once
        self.user_tokens = {}  # user access token -> account
        self.accounts = {}  # login -> (user id, display name, profile image URL), for GET /helix/users?login=
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def api_url(self):
        return f"http://127.0.0.1:{self.port}/helix"

    @property
    def auth_url(self):
        return f"http://127.0.0.1:{self.port}/oauth2"

    def set_live(self, login, title="Racing!", started_at="2026-11-26T20:00:00Z"):
        with self.lock:
            self.live[login.lower()] = (str(secrets.randbelow(10**12)), title, started_at)

    def sign_in_as(self, login, user_id=None, display_name=None):
        """The next /authorize approves this Twitch account (None: the user cancels)."""
        with self.lock:
            self.signing_in = None if login is None else (user_id, login, display_name or login)

    def add_account(self, login, user_id, display_name=None, avatar=None):
        """A Twitch account the app-token `GET /helix/users?login=` knows."""
        with self.lock:
            self.accounts[login.lower()] = (user_id, display_name or login,
                                            avatar or f"https://static-cdn.jtvnw.net/jtv_user_pictures/{login}.png")

    def set_offline(self, login):
        with self.lock:
            self.live.pop(login.lower(), None)

    def notify(self, callback, secret, subscription_type, login, user_id, message_id=None, sent_at=None,
               signed_with=None):
        """Sends a signed EventSub notification as Twitch does; returns the callback's status.
        `stream.online` carries the stream this fake has for `login` (set_live)."""
        event = {"broadcaster_user_id": user_id, "broadcaster_user_login": login, "broadcaster_user_name": login}
        if subscription_type == "stream.online":
            with self.lock:
                stream_id, _, started_at = self.live.get(login.lower(), ("1", "", "2026-11-26T20:00:00Z"))
            event.update(id=stream_id, type="live", started_at=started_at)
        body = json.dumps({
            "subscription": {"id": str(uuid.uuid4()), "type": subscription_type, "version": "1", "status": "enabled",
                             "cost": 0, "condition": {"broadcaster_user_id": user_id},
                             "transport": {"method": "webhook", "callback": callback},
                             "created_at": "2026-12-01T00:00:00Z"},
            "event": event}).encode()
        message_id = message_id or str(uuid.uuid4())
        sent_at = sent_at or datetime.datetime.now(datetime.timezone.utc)
        timestamp = sent_at.strftime("%Y-%m-%dT%H:%M:%S.%f") + "123Z"  # Twitch sends nanoseconds
        signature = hmac.new((signed_with or secret).encode(), message_id.encode() + timestamp.encode() + body,
                             hashlib.sha256).hexdigest()
        request = urllib.request.Request(callback, data=body, method="POST", headers={
            "Content-Type": "application/json", "Twitch-Eventsub-Message-Id": message_id,
            "Twitch-Eventsub-Message-Timestamp": timestamp, "Twitch-Eventsub-Message-Signature": "sha256=" + signature,
            "Twitch-Eventsub-Message-Type": "notification", "Twitch-Eventsub-Subscription-Type": subscription_type,
            "Twitch-Eventsub-Subscription-Version": "1"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def _handler(fake):
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                url = urllib.parse.urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                form = urllib.parse.parse_qs(self.rfile.read(length).decode() + "&" + (url.query or ""))
                if url.path != "/oauth2/token":
                    return self.reply(404, {"message": "not found"})
                if form.get("client_id") != [CLIENT_ID] or form.get("client_secret") != [CLIENT_SECRET]:
                    return self.reply(403, {"status": 403, "message": "invalid client"})
                if form.get("grant_type") == ["authorization_code"]:
                    with fake.lock:
                        found = fake.codes.pop((form.get("code") or [""])[0], None)
                    if found is None or form.get("redirect_uri") != [found[1]]:
                        return self.reply(400, {"status": 400, "message": "Invalid authorization code"})
                    token = secrets.token_hex(15)
                    with fake.lock:
                        fake.user_tokens[token] = found[0]
                    return self.reply(200, {"access_token": token, "expires_in": 14000, "refresh_token": "r",
                                            "scope": [], "token_type": "bearer"})
                if form.get("grant_type") != ["client_credentials"]:
                    return self.reply(400, {"status": 400, "message": "unsupported grant_type"})
                token = secrets.token_hex(15)
                with fake.lock:
                    fake.tokens.add(token)
                self.reply(200, {"access_token": token, "expires_in": 3600, "token_type": "bearer"})

            def redirect(self, location):
                self.send_response(302)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def authorize(self, query):
                if query.get("client_id") != [CLIENT_ID] or query.get("response_type") != ["code"] \
                        or not query.get("redirect_uri"):
                    return self.reply(400, {"status": 400, "message": "invalid authorize request"})
                back = query["redirect_uri"][0]
                state = (query.get("state") or [""])[0]
                with fake.lock:
                    account = fake.signing_in
                if account is None:
                    return self.redirect(back + "?" + urllib.parse.urlencode(
                        {"error": "access_denied", "error_description": "The user denied you access", "state": state}))
                code = secrets.token_hex(15)
                with fake.lock:
                    fake.codes[code] = (account, back)
                self.redirect(back + "?" + urllib.parse.urlencode({"code": code, "scope": "", "state": state}))

            def user_token(self, prefix):
                auth = self.headers.get("Authorization", "")
                with fake.lock:
                    return fake.user_tokens.get(auth[len(prefix):]) if auth.startswith(prefix) else None

            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
                if url.path == "/oauth2/authorize":
                    return self.authorize(query)
                if url.path == "/oauth2/validate":
                    account = self.user_token("OAuth ")
                    if account is None:
                        return self.reply(401, {"status": 401, "message": "invalid access token"})
                    return self.reply(200, {"client_id": CLIENT_ID, "login": account[1], "user_id": account[0],
                                            "scopes": [], "expires_in": 14000})
                if url.path == "/helix/users" and "login" in query:
                    auth = self.headers.get("Authorization", "")
                    with fake.lock:
                        known = auth.startswith("Bearer ") and auth[7:] in fake.tokens
                        found = [(login, fake.accounts[login]) for login in query["login"] if login in fake.accounts]
                    if not known or self.headers.get("Client-Id") != CLIENT_ID:
                        return self.reply(401, {"error": "Unauthorized", "status": 401, "message": "Invalid OAuth token"})
                    if len(query["login"]) > 100:
                        return self.reply(400, {"status": 400, "message": "at most 100 login parameters"})
                    return self.reply(200, {"data": [
                        {"id": uid, "login": login, "display_name": name, "type": "", "broadcaster_type": "",
                         "description": "", "profile_image_url": avatar, "offline_image_url": "",
                         "created_at": "2020-01-01T00:00:00Z"} for login, (uid, name, avatar) in found]})
                if url.path == "/helix/users":
                    account = self.user_token("Bearer ")
                    if account is None or self.headers.get("Client-Id") != CLIENT_ID:
                        return self.reply(401, {"error": "Unauthorized", "status": 401, "message": "Invalid OAuth token"})
                    wanted = query.get("id", [account[0]])
                    data = [{"id": account[0], "login": account[1], "display_name": account[2], "type": "",
                             "broadcaster_type": "", "description": "", "profile_image_url": "",
                             "offline_image_url": "", "created_at": "2020-01-01T00:00:00Z"}] \
                        if account[0] in wanted else []
                    return self.reply(200, {"data": data})
                if url.path != "/helix/streams":
                    return self.reply(404, {"message": "not found"})
                auth = self.headers.get("Authorization", "")
                with fake.lock:
                    known = auth.startswith("Bearer ") and auth[7:] in fake.tokens
                if not known or self.headers.get("Client-Id") != CLIENT_ID:
                    return self.reply(401, {"error": "Unauthorized", "status": 401, "message": "Invalid OAuth token"})
                query = urllib.parse.parse_qs(url.query)
                first = int(query.get("first", ["20"])[0])
                if not 1 <= first <= 100:
                    return self.reply(400, {"status": 400, "message": "first must be 1..100"})
                logins = [login.lower() for login in query.get("user_login", [])]
                with fake.lock:
                    matches = [(login, fake.live[login]) for login in sorted(set(logins)) if login in fake.live]
                start = int(query.get("after", ["0"])[0] or 0)
                page = matches[start:start + first]
                data = [{"id": sid, "user_id": str(abs(hash(login)) % 10**9), "user_login": login, "user_name": login,
                         "game_id": "1", "game_name": "Speedrun", "type": "live", "title": title, "viewer_count": 1,
                         "started_at": started, "language": "en", "thumbnail_url": "", "tag_ids": [], "tags": [],
                         "is_mature": False} for login, (sid, title, started) in page]
                cursor = {"cursor": str(start + first)} if start + first < len(matches) else {}
                self.reply(200, {"data": data, "pagination": cursor})

        return Handler
