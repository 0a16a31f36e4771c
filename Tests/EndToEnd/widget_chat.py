#!/usr/bin/env python3
"""End-to-end check of the web chat widget in a real headless Chromium against a real `switchboard serve`.

The widget is embedded with its one-line tag in a page served from another origin (like a customer's
site, with hostile CSS), and driven through Playwright: greeting, sending with acknowledgement, the
conversation over REST, agent replies, private notes never reaching the visitor, XSS payloads shown as
text, typing both ways, the unread badge, history after a reload, a narrow mobile width, the pre-chat
form, files (a PNG from the visitor, PDFs from the agent, refused types and sizes, a resend that does not upload
again), and unsent messages surviving a server restart and a closed tab (each stored exactly once).

Usage: widget_chat.py [path/to/switchboard]   (default .build/debug/switchboard)
Needs: pip install playwright websockets; Debian's chromium at /usr/bin/chromium (no `playwright install`).
Screenshots go to $E2E_ARTIFACTS (default: a new temp dir). The server bundles widget.js at build time;
SWITCHBOARD_WIDGET_JS=path makes the browser get /widget.js from that file instead (to try widget changes
without rebuilding the server). Prints 'N passed, M failed' last and exits non-zero when anything failed.
"""
import contextlib
import hashlib
import hmac
import html
import http.server
import json
import os
import re
import shutil
import struct
import sys
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
import zlib

from playwright.sync_api import expect, sync_playwright
from websockets.sync.client import connect as ws_connect

from harness import Server, call, check, expect_check, free_port, snapshot_binary, summary, wait_for

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(REPO, ".build", "debug", "switchboard")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ADMIN = {"email": "admin@example.com", "password": "change me please"}
ADMIN_ENV = {"SWITCHBOARD_ADMIN_EMAIL": ADMIN["email"], "SWITCHBOARD_ADMIN_PASSWORD": ADMIN["password"],
             "SWITCHBOARD_ADMIN_NAME": "Ada Admin"}  # the servers start with this admin
GREETING = "Hi! Ask us anything."
TIMEOUT_MS = 10_000


def fetch_bytes(url, token=None, method="GET", data=None, content_type=None):
    """(status, raw body bytes, response headers) for a binary request; never raises for HTTP errors."""
    request = urllib.request.Request(url, data=data, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers


def make_png(width, height, seed=0):
    """A valid RGB PNG (a small checkerboard), built by hand: signature, IHDR, zlib'd IDAT, IEND."""
    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + b"".join(bytes([255, seed % 256, 0]) if (x + y) % 2 else bytes([0, 90, 200])
                                       for x in range(width)) for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def make_pdf(text):
    """A tiny one-page PDF (the server does not parse it)."""
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\n% " + text.encode() + b"\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")


def is_error_body(body):
    return isinstance(body, dict) and isinstance(body.get("error"), dict) and body["error"].get("code")


class HostSite:
    """The customer's site on its own origin: a page with the one-line embed tag and CSS that tries to
    break anything it can reach (the widget's shadow DOM must keep it out)."""

    def __init__(self, widget_base):
        widget_base_ = widget_base

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
                inbox = query.get("inbox", [""])[0]
                # window.SwitchboardSettings, as a signed-in customer's page would set it (JSON, '<' escaped).
                settings = query.get("settings", [""])[0]
                settings_tag = (f"<script>window.SwitchboardSettings = {settings.replace('<', chr(92) + 'u003c')};</script>"
                                if settings else "")
                page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme Store</title>
<style>
  body {{ font-family: Georgia, serif; background: #fdf6e3; margin: 0; padding: 40px; }}
  div, button, textarea, input, p, span, form {{ display: none !important; color: red !important; font-size: 40px !important; }}
  * {{ box-sizing: content-box !important; }}
</style></head>
<body><main><h1>Acme Store</h1><h2>Spring sale: everything 20% off</h2></main>
{settings_tag}
<script src="{widget_base_}/widget.js" data-inbox="{html.escape(inbox)}" async></script>
</body></html>"""
                body = page.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, inbox, settings=None):
        query = {"inbox": inbox, **({"settings": json.dumps(settings)} if settings is not None else {})}
        return f"{self.origin}/?{urllib.parse.urlencode(query)}"

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class AgentSocket:
    """The agents' realtime socket, read on a thread into a list of frames."""

    def __init__(self, base, token):
        self.frames = []
        self.lock = threading.Lock()
        self.stack = contextlib.ExitStack()  # websockets >= 17.1 wants connect() used as a context manager
        self.ws = self.stack.enter_context(ws_connect(
            base.replace("http", "ws", 1) + f"/api/v1/realtime?token={token}", open_timeout=10, close_timeout=2))
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        try:
            for text in self.ws:
                with self.lock:
                    self.frames.append(json.loads(text))
        except Exception:  # noqa: BLE001 - the socket closed; the list keeps what arrived
            pass

    def wait(self, predicate, timeout=10.0):
        def find():
            with self.lock:
                return next((f for f in self.frames if predicate(f)), None)
        return wait_for(find, timeout, retry=Exception)

    def send(self, frame):
        self.ws.send(json.dumps(frame))

    def close(self):
        try:
            self.stack.close()
        except Exception:  # noqa: BLE001
            pass


MESSAGE = '[data-testid="switchboard-message"]'
CONTENT = '[data-testid="switchboard-message-content"]'


def message_contents(page):
    """(direction, status, content) of every message the widget shows, in order."""
    return page.locator(MESSAGE).evaluate_all(
        """els => els.map(e => [e.dataset.direction, e.dataset.status,
                                 e.querySelector('[data-testid="switchboard-message-content"]').textContent])""")


def conversation_messages(base, token, conversation):
    status, body, _ = call(base, "GET", f"/api/v1/conversations/{conversation}/messages?limit=100", token=token)
    return body.get("items", []) if status == 200 and isinstance(body, dict) else []


def main():
    work_dir = tempfile.mkdtemp(prefix="switchboard-widget-e2e-")
    data_dir = os.path.join(work_dir, "data")
    os.makedirs(data_dir)
    artifacts = os.environ.get("E2E_ARTIFACTS") or tempfile.mkdtemp(prefix="switchboard-widget-artifacts-")
    os.makedirs(artifacts, exist_ok=True)
    server = site = agent = playwright = browser = page = None
    page_errors, foreign_requests = [], []
    try:
        binary = snapshot_binary(BINARY, work_dir)
        server = Server(binary, data_dir, env=ADMIN_ENV)
        base = server.base
        status, login, _ = call(base, "POST", "/api/v1/auth/login", ADMIN)
        check("admin from the environment can log in", status == 200 and login.get("token"), login)
        token = login["token"]
        status, inbox, _ = call(base, "POST", "/api/v1/inboxes", {
            "name": "Acme Support", "channel": "web_chat", "settings": {"greeting": GREETING, "pre_chat_form": False}},
            token=token)
        check("create web_chat inbox", status == 201 and inbox.get("id"), inbox)
        inbox_id = inbox["id"]

        # --- the server side the widget relies on -------------------------------------------------------
        status, config, headers = call(base, "GET", f"/api/v1/widget/{inbox_id}/config")
        check("widget config 200 with the greeting", status == 200 and config.get("greeting") == GREETING
              and config.get("pre_chat_form") is False, config)
        check("widget config allows any origin (CORS)", headers.get("Access-Control-Allow-Origin") == "*", dict(headers))
        status, body, _ = call(base, "GET", "/api/v1/widget/nope/config")
        check("unknown inbox config 404 with error body", status == 404 and is_error_body(body), body)
        status, script, headers = call(base, "GET", "/widget.js")
        check("GET /widget.js serves the widget", status == 200 and "window.Switchboard" in str(script)
              and "javascript" in (headers.get("Content-Type") or ""), (status, headers.get("Content-Type")))

        site = HostSite(base)
        agent = AgentSocket(base, token)

        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"], timeout=30_000)

        def watch_requests(request):
            if not request.url.startswith((site.origin, base, base.replace("http", "ws", 1), "data:")):
                foreign_requests.append(request.url)

        def new_context(**options):
            context = browser.new_context(**options)
            context.set_default_timeout(TIMEOUT_MS)
            context.on("request", watch_requests)
            if os.environ.get("SWITCHBOARD_WIDGET_JS"):
                context.route(f"{base}/widget.js", lambda route: route.fulfill(
                    path=os.environ["SWITCHBOARD_WIDGET_JS"], content_type="application/javascript",
                    headers={"Access-Control-Allow-Origin": "*"}))
            return context

        context = new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.on("pageerror", lambda error: page_errors.append(str(error)))
        page.goto(site.url(inbox_id))

        launcher = page.get_by_test_id("switchboard-launcher")
        panel = page.get_by_test_id("switchboard-panel")
        badge = page.get_by_test_id("switchboard-unread")
        expect_check("launcher shows despite the page's hostile CSS", lambda: expect(launcher).to_be_visible())
        check("panel starts closed, no unread badge", panel.is_hidden() and badge.is_hidden())
        launcher.click()
        expect_check("launcher opens the panel", lambda: expect(panel).to_be_visible())
        expect_check("greeting from the inbox settings", lambda: expect(page.get_by_test_id("switchboard-greeting")).to_have_text(GREETING))
        expect_check("online status shown", lambda: expect(page.get_by_test_id("switchboard-status")).to_have_text(
            re.compile(r"^(We're online|We'll reply as soon as we can)$")))

        # --- the visitor writes (Shift+Enter is a newline, Enter sends) --------------------------------
        first = "Hi there!\nMy order #1042 hasn't arrived."
        box = page.get_by_test_id("switchboard-input")
        box.click()
        box.press_sequentially("Hi there!")
        box.press("Shift+Enter")
        box.press_sequentially("My order #1042 hasn't arrived.")
        box.press("Enter")
        own = page.locator(MESSAGE, has_text="My order #1042").first
        expect_check("sent message shown on the right (direction in)", lambda: expect(own).to_have_attribute("data-direction", "in"))
        expect_check("sent message acknowledged (no longer sending)", lambda: expect(own).to_have_attribute("data-status", "sent"))
        check("composer cleared after Enter", box.input_value() == "", box.input_value())
        check("multi-line content kept", own.locator(CONTENT).text_content() == first, own.locator(CONTENT).text_content())

        listing = wait_for(lambda: (lambda r: r[0] == 200 and r[1].get("items") and r[1])(
            call(base, "GET", f"/api/v1/conversations?inbox_id={inbox_id}", token=token)), timeout=5, retry=Exception)
        items = listing.get("items", []) if listing else []
        check("one conversation in the inbox", len(items) == 1, listing)
        conversation = items[0]["id"] if items else ""
        messages = conversation_messages(base, token, conversation)
        check("the conversation holds the visitor's message",
              [(m.get("direction"), m.get("content")) for m in messages] == [("in", first)], messages)
        frame = agent.wait(lambda f: f.get("type") == "message.created" and f.get("data", {}).get("content") == first, 5)
        check("agents' realtime socket got message.created", frame is not None)

        # --- visitor typing reaches the agents: true while typing, false after 3 s idle --------------
        box.press_sequentially("Also, ")
        typing_on = agent.wait(lambda f: f.get("type") == "typing" and f.get("data", {}).get("typing") is True
                               and f["data"].get("conversation_id") == conversation, 5)
        check("visitor typing:true reaches the agent socket", typing_on is not None)
        typing_off = agent.wait(lambda f: f.get("type") == "typing" and f.get("data", {}).get("typing") is False
                                and f["data"].get("conversation_id") == conversation, 8)
        check("visitor typing:false after 3 s idle", typing_off is not None)
        box.fill("")

        # --- agent reply, private note, XSS payload ---------------------------------------------------
        reply = "Sorry about that! A new parcel leaves today."
        status, posted, _ = call(base, "POST", f"/api/v1/conversations/{conversation}/messages", {"content": reply}, token=token)
        check("agent reply 201", status == 201, posted)
        agent_message = page.locator(MESSAGE, has_text="A new parcel leaves today").first
        expect_check("agent reply arrives in the widget on the left (direction out)",
                     lambda: expect(agent_message).to_have_attribute("data-direction", "out"))
        own_box, agent_box = own.bounding_box() or {}, agent_message.bounding_box() or {}
        check("visitor's message on the right, agent's on the left",
              own_box.get("x", 0) + own_box.get("width", 0) > agent_box.get("x", 0) + agent_box.get("width", 0) + 20
              and own_box.get("x", 0) > agent_box.get("x", 0), (own_box, agent_box))
        sender = agent_message.get_by_test_id("switchboard-message-sender")
        check("agent reply shows a sender name", sender.count() == 1 and (sender.text_content() or "").strip() != "",
              sender.text_content() if sender.count() else "no sender element")
        reply_status = lambda: next((m.get("status") for m in conversation_messages(base, token, conversation)
                                     if m.get("id") == posted.get("id")), None)
        check("the reply seen in the open panel is marked read", wait_for(lambda: reply_status() == "read", 10), reply_status())

        note = "INTERNAL: courier lost it, refund shipping"
        status, posted, _ = call(base, "POST", f"/api/v1/conversations/{conversation}/messages",
                                 {"content": note, "private": True}, token=token)
        check("private note 201", status == 201 and posted.get("private") is True, posted)
        xss = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script><b>bold?</b>'
        status, _, _ = call(base, "POST", f"/api/v1/conversations/{conversation}/messages", {"content": xss}, token=token)
        xss_message = page.locator(MESSAGE, has_text="onerror").first
        expect_check("HTML payload arrives", lambda: expect(xss_message).to_be_visible())
        page.wait_for_timeout(500)  # would give an injected <img onerror> time to fire
        check("HTML payload rendered as literal text", xss_message.locator(CONTENT).text_content() == xss,
              xss_message.locator(CONTENT).text_content() if xss_message.count() else "")
        check("no element injected from the payload",
              page.locator('[data-testid="switchboard-messages"] img, [data-testid="switchboard-messages"] script, '
                           '[data-testid="switchboard-messages"] b').count() == 0)
        check("window.__xss is undefined", page.evaluate("typeof window.__xss") == "undefined")
        check("private note never shown", "courier lost it" not in " ".join(c for _, _, c in message_contents(page)))

        # --- agent typing shows in the widget ----------------------------------------------------------
        indicator = page.get_by_test_id("switchboard-typing")
        agent.send({"type": "typing", "conversation_id": conversation, "typing": True})
        expect_check("'Agent is typing…' shown", lambda: expect(indicator).to_be_visible())
        check("typing indicator text", "typing" in (indicator.text_content() or ""), indicator.text_content())
        agent.send({"type": "typing", "conversation_id": conversation, "typing": False})
        expect_check("typing indicator hidden on typing:false", lambda: expect(indicator).to_be_hidden())

        page.screenshot(path=os.path.join(artifacts, "widget-desktop.png"))

        # --- unread badge while closed -------------------------------------------------------------------
        page.evaluate("window.Switchboard.close()")
        expect_check("Switchboard.close() hides the panel", lambda: expect(panel).to_be_hidden())
        call(base, "POST", f"/api/v1/conversations/{conversation}/messages", {"content": "Tracking: ACME-42"}, token=token)
        expect_check("unread badge counts a reply while closed", lambda: expect(badge).to_have_text("1"))
        page.evaluate("window.Switchboard.toggle()")
        expect_check("Switchboard.toggle() opens, badge cleared", lambda: expect(badge).to_be_hidden())
        expect_check("the reply is there", lambda: expect(page.locator(MESSAGE, has_text="ACME-42")).to_have_count(1))
        page.wait_for_timeout(300)
        no_note = " ".join(c for _, _, c in message_contents(page))
        check("private note still not shown", "courier lost it" not in no_note)

        # --- reload: same visitor, same history, nothing twice ----------------------------------------
        key = f"switchboard:{inbox_id}:visitor_token"
        token_before = page.evaluate("k => localStorage.getItem(k)", key)
        check("visitor token kept in localStorage", bool(token_before))
        expected = [("in", first), ("out", reply), ("out", xss), ("out", "Tracking: ACME-42")]
        page.reload()
        expect_check("launcher back after reload", lambda: expect(launcher).to_be_visible())
        page.evaluate("window.Switchboard.open()")
        expect_check("history back after reload",
                     lambda: expect(page.locator(MESSAGE)).to_have_count(len(expected), timeout=TIMEOUT_MS))
        shown = [(d, c) for d, _, c in message_contents(page)]
        check("history in order, each message once, no private note", shown == expected, shown)
        check("same visitor token after reload", page.evaluate("k => localStorage.getItem(k)", key) == token_before)
        check("window.__xss still undefined after reload", page.evaluate("typeof window.__xss") == "undefined")

        # --- narrow mobile width: full-width panel ------------------------------------------------------
        mobile = new_context(viewport={"width": 390, "height": 800}, storage_state=context.storage_state(),
                             is_mobile=True, has_touch=True)
        phone = mobile.new_page()
        phone.on("pageerror", lambda error: page_errors.append(str(error)))
        phone.goto(site.url(inbox_id))
        phone.get_by_test_id("switchboard-launcher").click()
        phone_panel = phone.get_by_test_id("switchboard-panel")
        expect_check("mobile: panel opens", lambda: expect(phone_panel).to_be_visible())
        expect_check("mobile: same conversation", lambda: expect(phone.locator(MESSAGE)).to_have_count(len(expected)))
        box_size = phone_panel.bounding_box() or {}
        check("mobile: panel is full width", round(box_size.get("width", 0)) == 390 and round(box_size.get("x", -1)) == 0, box_size)
        phone.screenshot(path=os.path.join(artifacts, "widget-mobile-390x800.png"))
        mobile.close()

        # --- pre-chat form -----------------------------------------------------------------------------------
        status, prechat_inbox, _ = call(base, "POST", "/api/v1/inboxes", {
            "name": "Acme Sales", "channel": "web_chat", "settings": {"greeting": "Talk to sales", "pre_chat_form": True}},
            token=token)
        check("create web_chat inbox with pre-chat form", status == 201, prechat_inbox)
        fresh = new_context(viewport={"width": 1280, "height": 800})
        visitor = fresh.new_page()
        visitor.on("pageerror", lambda error: page_errors.append(str(error)))
        visitor.goto(site.url(prechat_inbox.get("id", "")))
        visitor.get_by_test_id("switchboard-launcher").click()
        expect_check("pre-chat form shown first", lambda: expect(visitor.get_by_test_id("switchboard-prechat")).to_be_visible())
        check("composer hidden until the form is done", visitor.get_by_test_id("switchboard-input").is_hidden())
        visitor.screenshot(path=os.path.join(artifacts, "widget-prechat.png"))
        visitor.get_by_test_id("switchboard-prechat-name").fill("Grace Hopper")
        visitor.get_by_test_id("switchboard-prechat-email").fill("grace@example.com")
        visitor.get_by_test_id("switchboard-prechat-submit").click()
        expect_check("composer shown after the form", lambda: expect(visitor.get_by_test_id("switchboard-input")).to_be_visible())
        visitor.get_by_test_id("switchboard-input").fill("Do you ship to Norway?")
        visitor.get_by_test_id("switchboard-send").click()
        expect_check("pre-chat visitor's message acknowledged",
                     lambda: expect(visitor.locator(MESSAGE, has_text="Norway")).to_have_attribute("data-status", "sent"))
        _, listing, _ = call(base, "GET", f"/api/v1/conversations?inbox_id={prechat_inbox.get('id')}", token=token)
        names = [i.get("contact", {}).get("name") for i in listing.get("items", [])] if isinstance(listing, dict) else listing
        check("pre-chat name on the conversation's contact", names == ["Grace Hopper"], names)
        fresh.close()

        # --- verified identity: required by the inbox, HMAC from the business's server --------------------
        status, members, _ = call(base, "POST", "/api/v1/inboxes", {
            "name": "Acme Members", "channel": "web_chat", "settings": {"require_identity_verification": True}}, token=token)
        check("create web_chat inbox requiring verified identity", status == 201 and members.get("hmac_secret"), members)
        members_id = members.get("id", "")
        signature = hmac.new(str(members.get("hmac_secret", "")).encode(), b"42", hashlib.sha256).hexdigest()
        anonymous = new_context()
        stranger = anonymous.new_page()
        stranger.on("pageerror", lambda error: page_errors.append(str(error)))
        with stranger.expect_response(lambda r: r.url.endswith(f"/widget/{members_id}/config")):
            stranger.goto(site.url(members_id))
        stranger.wait_for_timeout(500)
        check("identity required: no widget for an anonymous visitor",
              stranger.get_by_test_id("switchboard-launcher").count() == 0)
        anonymous.close()
        member_settings = {"identifier": 42, "identifier_hash": signature, "name": "Linus Member", "email": "linus@example.com"}
        laptop = new_context()
        member = laptop.new_page()
        member.on("pageerror", lambda error: page_errors.append(str(error)))
        member.goto(site.url(members_id, member_settings))
        member.get_by_test_id("switchboard-launcher").click()
        member.get_by_test_id("switchboard-input").fill("Where is my member discount?")
        member.get_by_test_id("switchboard-input").press("Enter")
        expect_check("verified member's message acknowledged",
                     lambda: expect(member.locator(MESSAGE, has_text="member discount")).to_have_attribute("data-status", "sent"))
        _, listing, _ = call(base, "GET", f"/api/v1/conversations?inbox_id={members_id}", token=token)
        names = [i.get("contact", {}).get("name") for i in listing.get("items", [])] if isinstance(listing, dict) else listing
        check("verified member's name on the conversation's contact", names == ["Linus Member"], names)
        member_key = f"switchboard:{members_id}:visitor_token"
        member_token = member.evaluate("k => localStorage.getItem(k)", member_key)
        member.reload()
        expect_check("member: launcher after reload", lambda: expect(member.get_by_test_id("switchboard-launcher")).to_be_visible())
        member.wait_for_timeout(500)
        check("member: numeric identifier keeps the session across reloads",
              member.evaluate("k => localStorage.getItem(k)", member_key) == member_token)
        laptop.close()
        phone_context = new_context()
        other_device = phone_context.new_page()
        other_device.on("pageerror", lambda error: page_errors.append(str(error)))
        other_device.goto(site.url(members_id, member_settings))
        other_device.get_by_test_id("switchboard-launcher").click()
        expect_check("member: same history on another device",
                     lambda: expect(other_device.locator(MESSAGE, has_text="member discount")).to_have_count(1))
        phone_context.close()
        forged = new_context()
        forger = forged.new_page()
        forger.on("pageerror", lambda error: page_errors.append(str(error)))
        forger.goto(site.url(members_id, dict(member_settings, identifier_hash="0" * 64)))
        forger.get_by_test_id("switchboard-launcher").click()
        expect_check("wrong identifier_hash: 'Chat is unavailable' instead of a session",
                     lambda: expect(forger.get_by_test_id("switchboard-notice")).to_have_text("Chat is unavailable right now."))
        check("wrong identifier_hash: no token stored",
              forger.evaluate("k => localStorage.getItem(k)", member_key) is None)
        forged.close()

        # --- files: a PNG from the visitor, PDFs from the agent, refused files, a resend without a new upload ---
        png = make_png(8, 8)
        files_context = new_context(viewport={"width": 1280, "height": 800})
        shopper = files_context.new_page()
        shopper.on("pageerror", lambda error: page_errors.append(str(error)))
        uploads = []  # file names of the visitor's upload requests, as the browser sent them
        shopper.on("request", lambda request: uploads.append(
            urllib.parse.parse_qs(urllib.parse.urlsplit(request.url).query).get("filename", ["?"])[0])
            if request.method == "POST" and re.search(r"/widget/[^/]+/attachments\?", request.url) else None)
        shopper.goto(site.url(inbox_id))
        shopper.get_by_test_id("switchboard-launcher").click()
        attach = shopper.get_by_test_id("switchboard-attach")
        file_input = shopper.get_by_test_id("switchboard-file-input")
        attach_error = shopper.get_by_test_id("switchboard-attach-error")
        expect_check("files: paperclip button in the composer", lambda: expect(attach).to_be_visible())
        accept = file_input.get_attribute("accept") or ""
        check("files: the picker accepts the allowed types only",
              all(t in accept for t in ("image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"))
              and "text" not in accept, accept)
        with shopper.expect_file_chooser(timeout=TIMEOUT_MS) as chooser:
            attach.click()
        check("files: the paperclip opens a file chooser for several files", chooser.value.is_multiple())
        chooser.value.set_files([])  # nothing chosen: nothing happens

        shopper_messages = shopper.locator(MESSAGE)
        file_input.set_input_files({"name": "notes.txt", "mimeType": "text/plain", "buffer": b"just some text"})
        expect_check("files: a .txt file is refused with an inline error",
                     lambda: expect(attach_error).to_contain_text("notes.txt"))
        check("files: the error says what is allowed", "PDF" in (attach_error.text_content() or ""), attach_error.text_content())
        file_input.set_input_files({"name": "huge.png", "mimeType": "image/png", "buffer": b"\0" * (10 * 1024 * 1024 + 1)})
        expect_check("files: a file over 10 MB is refused with an inline error",
                     lambda: expect(attach_error).to_contain_text(re.compile(r"huge\.png.*too large")))
        shopper.wait_for_timeout(500)  # a message or an upload would have started by now
        check("files: refused files show no message", shopper_messages.count() == 0, message_contents(shopper))
        check("files: refused files are not uploaded", uploads == [], uploads)
        _, listing, _ = call(base, "GET", f"/api/v1/conversations?inbox_id={inbox_id}", token=token)
        check("files: refused files send nothing (no new conversation)",
              [i.get("id") for i in listing.get("items", [])] == [conversation], listing)

        file_input.set_input_files({"name": "red dot.png", "mimeType": "image/png", "buffer": png})
        expect_check("files: the error goes away with an accepted file", lambda: expect(attach_error).to_be_hidden())
        picture = shopper.locator(MESSAGE).filter(has=shopper.get_by_test_id("switchboard-attachment-image"))
        expect_check("files: the PNG message is acknowledged",
                     lambda: expect(picture).to_have_attribute("data-status", "sent"))
        expect_check("files: the PNG message is on the visitor's side",
                     lambda: expect(picture).to_have_attribute("data-direction", "in"))
        check("files: uploaded once", uploads == ["red dot.png"], uploads)
        listing = wait_for(lambda: (lambda r: r[0] == 200 and len(r[1].get("items", [])) == 2 and r[1])(
            call(base, "GET", f"/api/v1/conversations?inbox_id={inbox_id}", token=token)), timeout=5, retry=Exception)
        files_conversation = next((i["id"] for i in (listing or {}).get("items", []) if i.get("id") != conversation), "")
        check("files: the visitor has their own conversation", bool(files_conversation), listing)
        stored = conversation_messages(base, token, files_conversation)
        attachments = stored[0].get("attachments", []) if len(stored) == 1 else []
        check("files: the agent sees one message with one image/png attachment",
              len(stored) == 1 and stored[0].get("direction") == "in" and len(attachments) == 1
              and attachments[0].get("content_type") == "image/png" and attachments[0].get("filename") == "red dot.png"
              and attachments[0].get("size") == len(png), stored)
        png_id = attachments[0].get("id", "") if attachments else ""
        status, data, headers = fetch_bytes(f"{base}/api/v1/attachments/{png_id}", token=token)
        check("files: the agent downloads identical bytes", status == 200 and data == png
              and (headers.get("Content-Type") or "").startswith("image/png"), (status, len(data), headers.get("Content-Type")))
        created = agent.wait(lambda f: f.get("type") == "message.created"
                             and [a.get("id") for a in f.get("data", {}).get("attachments") or []] == [png_id], 5)
        check("files: the agents' socket shows the attachment on message.created", created is not None)
        thumbnail = picture.get_by_test_id("switchboard-attachment-image")
        expect_check("files: the image renders in the widget (naturalWidth 8)",
                     lambda: expect(thumbnail).to_have_js_property("naturalWidth", 8))
        src = thumbnail.get_attribute("src") or ""
        check("files: the thumbnail is the visitor's download URL",
              src.startswith(f"{base}/api/v1/widget/{inbox_id}/attachments/{png_id}?visitor_token="), src)
        check("files: a picture without words shows no empty text bubble", picture.locator(CONTENT).is_hidden())

        invoice = "Invoice 1042.pdf"
        pdf = make_pdf("invoice 1042")
        hostile_name = "<img src=x onerror=window.__xss=3>.pdf"  # no quotes or slashes: the server drops those
        status, body, _ = fetch_bytes(f"{base}/api/v1/attachments?filename={urllib.parse.quote(invoice, safe='')}",
                                      token=token, method="POST", data=pdf, content_type="application/pdf")
        invoice_attachment = json.loads(body) if status == 201 else {}
        check("files: agent uploads a PDF (201)", status == 201 and invoice_attachment.get("filename") == invoice
              and invoice_attachment.get("content_type") == "application/pdf", (status, body[:300]))
        status, body, _ = fetch_bytes(f"{base}/api/v1/attachments?filename={urllib.parse.quote(hostile_name, safe='')}",
                                      token=token, method="POST", data=make_pdf("second"), content_type="application/pdf")
        hostile_attachment = json.loads(body) if status == 201 else {}
        check("files: agent uploads a PDF with an HTML file name (201)", status == 201, (status, body[:300]))
        status, posted, _ = call(base, "POST", f"/api/v1/conversations/{files_conversation}/messages", {
            "content": "Here is your invoice.", "attachments": [invoice_attachment.get("id"), hostile_attachment.get("id")]},
            token=token)
        check("files: agent reply with two PDFs 201", status == 201 and len(posted.get("attachments", [])) == 2, posted)
        reply_with_files = shopper.locator(MESSAGE, has_text="Here is your invoice.")
        links = reply_with_files.locator('a[data-testid="switchboard-attachment"][data-kind="file"]')
        expect_check("files: the agent's PDFs show as links in the widget", lambda: expect(links).to_have_count(2))
        expect_check("files: the link shows the file name",
                     lambda: expect(links.first.get_by_test_id("switchboard-attachment-name")).to_have_text(invoice))
        href = links.first.get_attribute("href") or ""
        fetched = shopper.evaluate('''async (url) => {
            const r = await fetch(url);
            const bytes = new Uint8Array(await r.arrayBuffer());
            return { status: r.status, type: r.headers.get('content-type'), size: bytes.length,
                     head: String.fromCharCode(...bytes.slice(0, 5)) };
        }''', href)
        check("files: fetching the link from the page answers 200 with the PDF",
              fetched.get("status") == 200 and fetched.get("type") == "application/pdf" and fetched.get("size") == len(pdf)
              and fetched.get("head") == "%PDF-", fetched)
        status, _, headers = fetch_bytes(href)
        check("files: the PDF is served as a download", status == 200
              and (headers.get("Content-Disposition") or "").startswith("attachment"), (status, headers.get("Content-Disposition")))
        shopper.wait_for_timeout(300)  # would give an injected <img onerror> time to fire
        check("files: an HTML file name is shown as text",
              links.nth(1).get_by_test_id("switchboard-attachment-name").text_content() == hostile_name,
              links.nth(1).text_content() if links.count() > 1 else "")
        check("files: nothing injected by the file name", shopper.evaluate("typeof window.__xss") == "undefined"
              and shopper.locator('[data-testid="switchboard-messages"] img').count() == 1)
        shopper.screenshot(path=os.path.join(artifacts, "widget-attachments.png"))

        # The frame carrying the files dies with its socket: the next socket gets the same attachment ids,
        # and nothing is uploaded again.
        dropped = []

        def route_visitor_socket(route):
            server_side = route.connect_to_server()

            def from_page(message):
                if not dropped and isinstance(message, str) and '"attachment_ids"' in message:
                    dropped.append(json.loads(message))
                    route.close(code=1011, reason="lost")  # the widget sees its socket die and reconnects
                    server_side.close()
                    return
                server_side.send(message)
            route.on_message(from_page)

        shopper.route_web_socket(re.compile(r"/widget/[^/]+/ws\b"), route_visitor_socket)
        shopper.reload()  # sockets from now on go through the route
        shopper.get_by_test_id("switchboard-launcher").click()
        expect_check("files: after a reload the picture renders again from the history",
                     lambda: expect(shopper.get_by_test_id("switchboard-attachment-image")).to_have_js_property("naturalWidth", 8))
        expect_check("files: after a reload the PDF links are back",
                     lambda: expect(shopper.locator('a[data-kind="file"]')).to_have_count(2))
        second_png = make_png(4, 4, seed=7)
        shopper.get_by_test_id("switchboard-file-input").set_input_files(
            {"name": "second.png", "mimeType": "image/png", "buffer": second_png})
        resent = shopper.locator(MESSAGE).filter(has=shopper.locator('[data-testid="switchboard-attachment"][title="second.png"]'))
        expect_check("files: a message whose frame was lost is acknowledged after the reconnect",
                     lambda: expect(resent).to_have_attribute("data-status", "sent", timeout=30_000))
        check("files: the lost frame carried the attachment id",
              len(dropped) == 1 and len(dropped[0].get("attachment_ids", [])) == 1, dropped)
        check("files: the resend did not upload again", uploads == ["red dot.png", "second.png"], uploads)
        stored = conversation_messages(base, token, files_conversation)
        second = [m for m in stored if [a.get("filename") for a in m.get("attachments", [])] == ["second.png"]]
        check("files: the resent message is stored once, with the id uploaded before",
              len(second) == 1 and bool(dropped)
              and second[0]["attachments"][0].get("id") == dropped[0]["attachment_ids"][0],
              [(m.get("content"), m.get("attachments")) for m in stored])
        expect_check("files: the resent picture renders",
                     lambda: expect(resent.get_by_test_id("switchboard-attachment-image")).to_have_js_property("naturalWidth", 4))
        files_context.close()

        # --- server down: the page reconnects by itself and resends its outbox, exactly once ---------------
        outbox_key = f"switchboard:{inbox_id}:outbox"
        server.stop()
        offline = "Sent while the server was down"
        box.fill(offline)
        box.press("Enter")
        pending = page.locator(MESSAGE, has_text=offline)
        expect_check("server down: message waits as 'sending…'",
                     lambda: expect(pending.get_by_test_id("switchboard-message-status")).to_have_text("sending…"))
        expect_check("server down: 'Reconnecting…' shown",
                     lambda: expect(page.get_by_test_id("switchboard-connection")).to_have_text("Reconnecting…"))
        outbox = page.evaluate("k => JSON.parse(localStorage.getItem(k) || '[]')", outbox_key)
        check("unsent message persisted in the outbox", [e.get("content") for e in outbox] == [offline], outbox)
        # While the server stays down, attempts back off (1 s doubling): a handful in 7 s, not a storm.
        attempts = []
        page.on("websocket", lambda ws: attempts.append(ws.url))
        page.on("request", lambda request: attempts.append(request.url) if "/widget/" in request.url else None)
        page.wait_for_timeout(7000)
        check("reconnect attempts back off while the server is down", 1 <= len(attempts) <= 5, attempts)
        server = Server(binary, data_dir, env=ADMIN_ENV, port=server.port)
        expect_check("server back: the widget reconnects and the message is acknowledged",
                     lambda: expect(pending).to_have_attribute("data-status", "sent", timeout=45_000))
        expect_check("server back: connection banner gone",
                     lambda: expect(page.get_by_test_id("switchboard-connection")).to_be_hidden())
        page.wait_for_timeout(1000)  # a duplicate resend would have landed by now
        contents = [m.get("content") for m in conversation_messages(base, token, conversation)]
        check("resent message stored exactly once", contents.count(offline) == 1, contents)
        check("resent message shown exactly once", pending.count() == 1)
        check("outbox empty after the ack", page.evaluate("k => JSON.parse(localStorage.getItem(k) || '[]').length", outbox_key) == 0)

        # --- the outbox survives the page: written offline, tab closed, delivered by the next page ----------
        server.stop()
        closed = "Written before closing the tab"
        box.fill(closed)
        box.press("Enter")
        expect_check("tab about to close: message waits as 'sending…'",
                     lambda: expect(page.locator(MESSAGE, has_text=closed)).to_have_attribute("data-status", "sending"))
        page.screenshot(path=os.path.join(artifacts, "widget-offline.png"))
        page.close()
        server = Server(binary, data_dir, env=ADMIN_ENV, port=server.port)
        page = context.new_page()
        page.on("pageerror", lambda error: page_errors.append(str(error)))
        page.goto(site.url(inbox_id))
        expect_check("next page: launcher", lambda: expect(page.get_by_test_id("switchboard-launcher")).to_be_visible())
        page.evaluate("window.Switchboard.open()")
        expect_check("next page: the closed tab's message is sent from the outbox",
                     lambda: expect(page.locator(MESSAGE, has_text=closed)).to_have_attribute("data-status", "sent"))
        page.wait_for_timeout(1000)
        contents = [m.get("content") for m in conversation_messages(base, token, conversation)]
        check("outbox message stored exactly once", contents.count(closed) == 1, contents)
        check("whole history once each after the restarts",
              [c for _, _, c in message_contents(page)] == [c for _, c in expected] + [offline, closed],
              message_contents(page))
        page.screenshot(path=os.path.join(artifacts, "widget-after-restart.png"))

        # --- rate limited (1 message/s per visitor): a burst still arrives complete, in order, once each ----
        rate_errors = []
        page.on("websocket", lambda ws: ws.on(
            "framereceived", lambda payload: rate_errors.append(payload) if "rate_limited" in str(payload) else None))
        server.stop()
        server = Server(binary, data_dir, env=ADMIN_ENV, port=server.port, extra_args=["--widget-visitor-message-rate", "1"])
        expect_check("reconnected to the rate-limited server",
                     lambda: expect(page.get_by_test_id("switchboard-connection")).to_be_hidden(timeout=45_000))
        box = page.get_by_test_id("switchboard-input")
        burst = [f"Burst message {n}" for n in range(1, 9)]
        for text in burst:
            box.fill(text)
            box.press("Enter")
        sending = page.locator(f'{MESSAGE}[data-status="sending"]')
        expect_check("every burst message acknowledged in the end", lambda: expect(sending).to_have_count(0, timeout=45_000))
        check("the server did rate-limit the burst", len(rate_errors) > 0, "no rate_limited frames seen")
        contents = [m.get("content") for m in conversation_messages(base, token, conversation)]
        check("burst stored in order, once each", [c for c in contents if c.startswith("Burst")] == burst, contents)
        shown = [c for _, _, c in message_contents(page) if c.startswith("Burst")]
        check("burst shown in order, once each", shown == burst, shown)

        check("no uncaught page errors", not page_errors, page_errors[:5])
        check("no requests beyond the site and the Switchboard server", not foreign_requests, foreign_requests[:5])
    except Exception as error:  # noqa: BLE001 - report and count, never hang
        check("no unexpected exception", False, repr(error)[:1000])
        if page is not None:
            try:
                page.screenshot(path=os.path.join(artifacts, "failure.png"))
            except Exception:  # noqa: BLE001
                pass
    finally:
        if agent:
            agent.close()
        if browser:
            try:
                browser.close()
            except Exception:  # noqa: BLE001
                pass
        if playwright:
            playwright.stop()
        if site:
            site.stop()
        if server:
            server.stop()
        shutil.rmtree(work_dir, ignore_errors=True)
    print(f"screenshots: {artifacts}")
    return summary()


if __name__ == "__main__":
    sys.exit(main())
