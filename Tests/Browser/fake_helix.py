"""A small fake of Twitch's Helix API for the browser tests, strict like the real one:
client-credentials tokens from POST /oauth2/token, 401 on a missing or unknown token or a
wrong Client-Id, `first` defaulting to 20 (at most 100), opaque pagination cursors."""
import json
import secrets
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CLIENT_ID = "browser-test-client"
CLIENT_SECRET = "browser-test-secret"


class FakeHelix:
    def __init__(self):
        self.tokens = set()
        self.live = {}  # login -> (stream id, title, started_at)
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

    def set_offline(self, login):
        with self.lock:
            self.live.pop(login.lower(), None)

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
                if form.get("client_id") != [CLIENT_ID] or form.get("client_secret") != [CLIENT_SECRET] \
                        or form.get("grant_type") != ["client_credentials"]:
                    return self.reply(403, {"status": 403, "message": "invalid client"})
                token = secrets.token_hex(15)
                with fake.lock:
                    fake.tokens.add(token)
                self.reply(200, {"access_token": token, "expires_in": 3600, "token_type": "bearer"})

            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
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
