#!/usr/bin/env python3
"""End-to-end check of the agent workspace (/app) in a real headless Chromium against a real `switchboard serve`.

A new installation: the first-run setup page creates the admin; a conversation that arrives through the API
appears live in the inbox; the agent opens it, replies, adds a private note, assigns, labels, resolves with the
keyboard and filters; a customer message and name full of HTML/script render as text; canned responses with
"/"; settings create an inbox (embed snippet), an agent, a label; a web-chat visitor's message and typing arrive
live, the agent's typing and reply (with a file) reach the visitor, snooze; a reply that an api inbox's callback
refuses shows as failed and Retry delivers it; a narrow (mobile) width shows one
pane at a time; sign out revokes the token.

Usage: workspace.py [path/to/switchboard]   (default .build/debug/switchboard)
Needs: pip install playwright websockets; Debian's chromium at /usr/bin/chromium (no `playwright install`).
Screenshots of the main screens go to $E2E_ARTIFACTS (default: a new temp dir).
Prints 'N passed, M failed' last and exits non-zero when anything failed.
"""
import hashlib
import hmac
import http.server
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time

from playwright.sync_api import expect, sync_playwright
from websockets.sync.client import connect as ws_connect

from harness import Server, call, check, expect_check, snapshot_binary, summary, wait_for

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(REPO, ".build", "debug", "switchboard")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ADMIN = {"name": "Ada Admin", "email": "ada@example.com", "password": "correct horse battery"}
XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


def inbound(base, inbox, external_id, content, customer, name):
    status, body, _ = call(base, "POST", f"/api/v1/inboxes/{inbox['id']}/incoming",
                           {"external_id": external_id, "content": content, "contact": {"external_id": customer, "name": name}},
                           headers={"X-Inbox-Token": inbox["inbound_token"]})
    assert status in (200, 201), body
    return body


def frames_until(socket, predicate, timeout=10.0):
    """Reads visitor frames until one satisfies the predicate; returns it, or None on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            frame = json.loads(socket.recv(timeout=max(0.05, deadline - time.monotonic())))
        except TimeoutError:
            return None
        if predicate(frame):
            return frame
    return None


class CallbackServer:
    """An api inbox's integration: records the replies posted to it and answers with `status`."""

    def __init__(self):
        self.status = 200
        self.requests = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                owner.requests.append({"body": body, "signature": self.headers.get("X-Switchboard-Signature"),
                                       "delivery": self.headers.get("X-Switchboard-Delivery")})
                self.send_response(owner.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def messages_of(base, token, conversation):
    return call(base, "GET", f"/api/v1/conversations/{conversation}/messages?limit=100", token=token)[1].get("items", [])


def main():
    work = tempfile.mkdtemp(prefix="switchboard-workspace-e2e-")
    artifacts = os.environ.get("E2E_ARTIFACTS") or tempfile.mkdtemp(prefix="switchboard-workspace-shots-")
    os.makedirs(artifacts, exist_ok=True)
    binary = snapshot_binary(BINARY, work)
    server = Server(binary, os.path.join(work, "data"))
    base = server.base
    shot = lambda page, name: page.screenshot(path=os.path.join(artifacts, f"workspace-{name}.png"), full_page=False)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"], timeout=30_000)
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            context.set_default_timeout(10_000)
            page = context.new_page()
            errors = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

            # --- first run: the setup page creates the admin ---------------------------------------------
            status, body, headers = call(base, "GET", "/app")
            check("GET /app serves the page with a CSP", status == 200 and "script-src 'self'" in headers.get("Content-Security-Policy", ""),
                  (status, headers.get("Content-Security-Policy")))
            status, body, _ = call(base, "GET", "/app/..%2Fwidget.js")
            check("GET /app never reads outside the app's files", status == 404, status)
            page.goto(base + "/")
            expect_check("/ leads to the setup page on a new installation",
                         lambda: expect(page.get_by_role("heading", name="Welcome")).to_be_visible())
            shot(page, "setup")
            page.get_by_label("Your name").fill(ADMIN["name"])
            page.get_by_label("Email").fill(ADMIN["email"])
            page.get_by_label("Password (8 characters or more)").fill(ADMIN["password"])
            page.get_by_role("button", name="Create administrator").click()
            expect_check("setup signs the new admin in", lambda: expect(page.locator(".rail .me")).to_have_text(ADMIN["name"]))
            status, setup, _ = call(base, "GET", "/api/v1/setup")
            check("setup is over once an admin exists", status == 200 and setup.get("needs_setup") is False, setup)
            status, login, _ = call(base, "POST", "/api/v1/auth/login", {"email": ADMIN["email"], "password": ADMIN["password"]})
            token = login.get("token") if isinstance(login, dict) else None
            check("the admin from the setup page can log in over the API", status == 200 and token, login)
            expect_check("realtime socket connects", lambda: expect(page.locator(".live-state")).to_have_text("live"))

            # --- a conversation arrives through the API and shows up live ---------------------------------
            _, shop, _ = call(base, "POST", "/api/v1/inboxes", {"name": "Shop backend", "channel": "api"}, token=token)
            _, billing, _ = call(base, "POST", "/api/v1/inboxes", {"name": "Billing", "channel": "api"}, token=token)
            page.reload()
            expect_check("inbox filter lists the new inboxes",
                         lambda: expect(page.locator("select[data-filter=inbox_id] option")).to_have_count(3))
            first = inbound(base, shop, "m-1", "My parcel has not arrived.", "grace", "Grace Hopper")
            row = page.locator(f".row[data-id='{first['conversation_id']}']")
            expect_check("a new conversation appears live without a reload", lambda: expect(row).to_be_visible())
            expect_check("the row shows contact, preview and unread count",
                         lambda: expect(row).to_contain_text("Grace Hopper") and expect(row).to_contain_text("My parcel has not arrived.")
                         and expect(row.locator(".unread-count")).to_have_text("1"))
            check("the row shows the channel icon and a waiting badge",
                  row.locator(".channel").count() == 1 and row.locator(".sla").count() == 1)
            hostile = inbound(base, billing, "m-2", XSS, "mallory", "<b>Mallory</b><script>window.__xss=3</script>")
            hostile_row = page.locator(f".row[data-id='{hostile['conversation_id']}']")
            expect_check("the hostile conversation appears", lambda: expect(hostile_row).to_be_visible())

            # A change that arrives while the list is being read must survive the (older) page landing: the
            # list read is held, the change is made and shown live, then the page read before it is let through.
            held = []
            page.route("**/api/v1/conversations?*", lambda route: held.append(route))
            page.locator("select[data-filter=status]").select_option("")
            for _ in range(200):
                if held:
                    break
                page.wait_for_timeout(50)
            stale = held[0].fetch() if held else None
            call(base, "PATCH", f"/api/v1/conversations/{hostile['conversation_id']}", {"priority": "urgent"}, token=token)
            expect_check("a change arriving during a list read shows live", lambda: expect(hostile_row.locator(".priority.urgent")).to_be_visible())
            if held:
                held[0].fulfill(response=stale)
            expect_check("the list read lands", lambda: expect(page.locator(".inbox")).not_to_have_class(re.compile(r"\bloading\b")))
            check("and does not undo the change it was read before", hostile_row.locator(".priority.urgent").count() == 1)
            page.unroute("**/api/v1/conversations?*")
            page.locator("select[data-filter=status]").select_option("open")
            shot(page, "inbox")

            # --- open, reply, note, assign, label, resolve --------------------------------------------------
            row.click()
            thread = page.locator(".thread")
            expect_check("opening shows the timeline", lambda: expect(page.locator(".message.customer .body")).to_have_text("My parcel has not arrived."))
            expect_check("contact panel shows the customer", lambda: expect(page.get_by_test_id("contact-name")).to_have_text("Grace Hopper"))
            expect_check("opening marks it read", lambda: expect(row.locator(".unread-count")).to_have_count(0))
            composer = page.get_by_test_id("composer")
            composer.fill("Sorry Grace, a new parcel leaves today.")
            page.get_by_test_id("send").click()
            expect_check("the reply shows in the timeline",
                         lambda: expect(page.locator(".message.agent .body")).to_have_text("Sorry Grace, a new parcel leaves today."))
            expect_check("the reply shows its delivery status", lambda: expect(page.locator(".message.agent [data-testid=delivery]")).to_be_visible())
            page.locator("body").click(position={"x": 5, "y": 790})
            page.keyboard.press("Escape")
            page.keyboard.press("n")
            expect_check("n switches the composer to a private note", lambda: expect(page.get_by_test_id("mode-note")).to_have_attribute("aria-selected", "true"))
            composer.fill("Courier says the van broke down.")
            composer.press("Control+Enter")
            expect_check("the note shows distinctly", lambda: expect(page.locator(".message.note .body")).to_have_text("Courier says the van broke down."))
            stored = wait_for(lambda: [m for m in messages_of(base, token, first["conversation_id"]) if m["direction"] == "out"] or None)
            check("reply stored public, note stored private",
                  stored and sorted((m["content"], m["private"]) for m in stored) ==
                  [("Courier says the van broke down.", True), ("Sorry Grace, a new parcel leaves today.", False)], stored)

            customer_again = inbound(base, shop, "m-3", "Thanks! Any tracking number?", "grace", "Grace Hopper")
            expect_check("a new customer message appears live in the open conversation",
                         lambda: expect(page.locator(".message.customer .body").last).to_have_text("Thanks! Any tracking number?"))
            check("it joined the same conversation", customer_again["conversation_id"] == first["conversation_id"])

            page.get_by_test_id("assignee").select_option(label=ADMIN["name"])
            conversation = lambda: call(base, "GET", f"/api/v1/conversations/{first['conversation_id']}", token=token)[1]
            check("assign to an agent", wait_for(lambda: conversation().get("assignee_id") == login["agent"]["id"]), conversation())
            page.get_by_test_id("priority").select_option("high")
            check("priority set", wait_for(lambda: conversation().get("priority") == "high"), conversation())
            page.get_by_test_id("label-input").fill("delivery")
            page.get_by_test_id("label-input").press("Enter")
            check("label added", wait_for(lambda: conversation().get("labels") == ["delivery"]), conversation())
            shot(page, "conversation")

            page.locator(".timeline").click()
            page.keyboard.press("e")
            check("e resolves the conversation", wait_for(lambda: conversation().get("status") == "resolved"), conversation())
            expect_check("the resolved conversation leaves the open list", lambda: expect(row).to_have_count(0))
            expect_check("the header offers reopen", lambda: expect(page.get_by_test_id("reopen")).to_be_visible())

            # --- filters and keyboard ----------------------------------------------------------------------
            page.locator("select[data-filter=status]").select_option("resolved")
            expect_check("status filter: resolved shows it", lambda: expect(row).to_be_visible())
            page.locator("select[data-filter=status]").select_option("open")
            page.get_by_role("tab", name="Mine").click()
            expect_check("Mine hides an unassigned conversation", lambda: expect(hostile_row).to_have_count(0))
            page.get_by_role("tab", name="Unassigned").click()
            expect_check("Unassigned shows it", lambda: expect(hostile_row).to_be_visible())
            page.get_by_role("tab", name="All").click()
            page.locator("select[data-filter=inbox_id]").select_option(label="Shop backend")
            expect_check("inbox filter hides the other inbox", lambda: expect(hostile_row).to_have_count(0))
            page.locator("select[data-filter=inbox_id]").select_option("")
            expect_check("clearing the filter shows it again", lambda: expect(hostile_row).to_be_visible())
            page.get_by_label("Search").fill("parcel")
            page.get_by_label("Search").press("Enter")
            page.locator("select[data-filter=status]").select_option("")
            expect_check("search finds the parcel conversation", lambda: expect(row).to_be_visible())
            expect_check("search leaves out the other", lambda: expect(hostile_row).to_have_count(0))
            page.get_by_label("Search").fill("")
            page.get_by_label("Search").press("Enter")
            page.get_by_label("Search").press("Escape")
            expect_check("clearing the search lists both", lambda: expect(page.locator(".row")).to_have_count(2))
            page.keyboard.press("j")
            expect_check("j opens a conversation from the list", lambda: expect(page.locator(".row.open")).to_have_count(1))
            ids = page.locator(".row").evaluate_all("rows => rows.map(r => r.dataset.id)")
            at = ids.index(page.locator(".row.open").get_attribute("data-id"))
            first_key, back_key, step = ("j", "k", 1) if at < len(ids) - 1 else ("k", "j", -1)
            page.keyboard.press(first_key)
            expect_check(f"{first_key} moves to the {'next' if step == 1 else 'previous'} conversation",
                         lambda: expect(page.locator(".row.open")).to_have_attribute("data-id", ids[at + step]))
            page.keyboard.press(back_key)
            expect_check(f"{back_key} moves back", lambda: expect(page.locator(".row.open")).to_have_attribute("data-id", ids[at]))

            # --- hostile text renders as text ---------------------------------------------------------------
            page.goto(f"{base}/app#/conversations/{hostile['conversation_id']}")
            expect_check("the hostile message shows as literal text", lambda: expect(page.locator(".message.customer .body")).to_have_text(XSS))
            expect_check("the hostile name shows as literal text",
                         lambda: expect(page.locator(".conversation-header h2")).to_have_text("<b>Mallory</b><script>window.__xss=3</script>"))
            time.sleep(0.5)
            check("no injected script ran", page.evaluate("window.__xss") is None, page.evaluate("window.__xss"))
            check("no injected element exists", page.locator(".timeline img, .timeline script, .conversation-header b").count() == 0)

            # --- settings: labels, canned responses, inboxes, agents ------------------------------------------
            page.goto(base + "/app#/settings/labels")
            page.get_by_label("Label name").fill("vip")
            page.get_by_role("button", name="Add label").click()
            expect_check("label created in settings", lambda: expect(page.locator(".settings-body .label-chip", has_text="vip")).to_be_visible())
            status, labels, _ = call(base, "GET", "/api/v1/labels", token=token)
            check("label stored with its colour", any(l["name"] == "vip" and l["color"] == "#4f7cff" for l in labels.get("items", [])), labels)
            page.goto(base + "/app#/settings/canned")
            page.get_by_label("Short code").fill("tracking")
            page.get_by_label("Text").fill("Your tracking number is in the shipping email.")
            page.get_by_role("button", name="Add canned response").click()
            expect_check("canned response created", lambda: expect(page.locator(".settings-body code")).to_have_text("/tracking"))
            page.goto(base + "/app#/settings/inboxes")
            page.get_by_label("Inbox name").fill("Website chat")
            page.get_by_label("Channel").select_option("web_chat")
            page.get_by_label("Greeting").fill("Hi there!")
            page.get_by_role("button", name="Create inbox").click()
            expect_check("web chat inbox shows its embed snippet",
                         lambda: expect(page.locator(".created").get_by_test_id("embed-snippet")).to_contain_text('/widget.js" data-inbox="'))
            expect_check("and its HMAC secret once", lambda: expect(page.locator(".created").get_by_test_id("secret")).to_be_visible())
            expect_check("the new inbox is listed", lambda: expect(page.locator(".inbox-list summary", has_text="Website chat")).to_be_visible())
            shot(page, "settings-inboxes")
            page.goto(base + "/app#/settings/agents")
            page.get_by_label("Name", exact=True).fill("Bob Agent")
            page.get_by_label("Email").fill("bob@example.com")
            page.get_by_label("Password").fill("bob's long password")
            page.get_by_role("button", name="Add agent").click()
            expect_check("agent created in settings", lambda: expect(page.locator(".settings-body td", has_text="bob@example.com")).to_be_visible())
            status, agents, _ = call(base, "GET", "/api/v1/agents", token=token)
            check("agent stored", any(a["email"] == "bob@example.com" and a["role"] == "agent" for a in agents.get("items", [])), agents)

            page.goto(f"{base}/app#/conversations/{hostile['conversation_id']}")
            composer = page.get_by_test_id("composer")
            composer.fill("/track")
            expect_check("/ suggests canned responses", lambda: expect(page.locator(".canned li")).to_contain_text("/tracking"))
            composer.press("Enter")
            expect_check("Enter inserts the canned text", lambda: expect(composer).to_have_value("Your tracking number is in the shipping email."))

            # --- a web-chat visitor: live message, typing both ways, a reply with a file, snooze -------------
            status, inboxes, _ = call(base, "GET", "/api/v1/inboxes", token=token)
            chat = next(i for i in inboxes["items"] if i["name"] == "Website chat")
            status, visitor, _ = call(base, "POST", f"/api/v1/widget/{chat['id']}/sessions", {"name": "Vera Visitor"})
            check("visitor session", status == 201, visitor)
            socket_url = base.replace("http://", "ws://") + f"/api/v1/widget/{chat['id']}/ws?visitor_token={visitor['visitor_token']}"
            with ws_connect(socket_url, open_timeout=10) as socket:
                frames_until(socket, lambda f: f.get("type") == "hello")
                socket.send(json.dumps({"type": "message", "content": "Do you ship to Norway?", "client_id": "v-1"}))
                ack = frames_until(socket, lambda f: f.get("type") == "ack")
                check("visitor message acknowledged", ack is not None, ack)
                chat_conversation = ack["conversation_id"] if ack else ""
                page.goto(f"{base}/app#/inbox")
                chat_row = page.locator(f".row[data-id='{chat_conversation}']")
                expect_check("the web-chat conversation is listed with its channel", lambda: expect(chat_row.locator(".channel")).to_have_text("Chat"))
                chat_row.click()
                expect_check("its message shows", lambda: expect(page.locator(".message.customer .body")).to_have_text("Do you ship to Norway?"))
                socket.send(json.dumps({"type": "typing", "typing": True}))
                expect_check("the visitor's typing shows to the agent", lambda: expect(page.locator(".typing-line")).to_contain_text("is typing"))
                composer = page.get_by_test_id("composer")
                composer.press_sequentially("Yes, we")
                typing = frames_until(socket, lambda f: f.get("type") == "typing" and f.get("typing") is True)
                check("the agent's typing reaches the visitor", typing is not None, typing)
                page.locator("input[type=file]").set_input_files(
                    {"name": "rates.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n% Switchboard test\n%%EOF\n"})
                expect_check("the attachment is ready to send", lambda: expect(page.locator(".pending-file")).to_contain_text("rates.pdf"))
                composer.fill("Yes, we ship to Norway. Rates attached.")
                page.get_by_test_id("send").click()
                expect_check("the reply with its file shows", lambda: expect(page.locator(".message.agent .attachments")).to_contain_text("rates.pdf"))
                reply = frames_until(socket, lambda f: f.get("type") == "message")
                check("the visitor receives the reply and its file",
                      reply is not None and reply["message"]["content"] == "Yes, we ship to Norway. Rates attached."
                      and [a.get("filename") for a in reply["message"].get("attachments", [])] == ["rates.pdf"], reply)
                expect_check("the reply shows as sent", lambda: expect(page.locator(".message.agent [data-testid=delivery]").last).to_have_text("Sent"))
                socket.send(json.dumps({"type": "read"}))
                expect_check("the visitor reading it shows live as read",
                             lambda: expect(page.locator(".message.agent [data-testid=delivery]").last).to_have_text("Read"))
            page.get_by_test_id("snooze").select_option("1h")
            chat_state = lambda: call(base, "GET", f"/api/v1/conversations/{chat_conversation}", token=token)[1]
            check("snooze for an hour", wait_for(lambda: chat_state().get("status") == "snoozed" and chat_state().get("snoozed_until")), chat_state())
            expect_check("the header says until when", lambda: expect(page.get_by_test_id("status")).to_contain_text("snoozed until"))
            page.get_by_test_id("snooze").select_option("custom")
            page.get_by_test_id("snooze-until").fill("2099-01-02T09:30")
            page.get_by_test_id("snooze-custom").click()
            chosen = page.evaluate("new Date('2099-01-02T09:30').toISOString()")
            check("snooze until a chosen time (the agent's local time)",
                  wait_for(lambda: (chat_state().get("snoozed_until") or "")[:16] == chosen[:16]), (chat_state(), chosen))

            # --- a reply the integration refuses shows as failed, and Retry sends it again ---------------------
            hook = CallbackServer()
            try:
                _, orders, _ = call(base, "POST", "/api/v1/inboxes",
                                    {"name": "Orders", "channel": "api", "settings": {"callback_url": hook.url}}, token=token)
                signing_secret = (orders.get("settings") or {}).get("callback_secret", "")
                check("an api inbox with a callback gets a signing secret", len(signing_secret) == 43, orders)
                order = inbound(base, orders, "o-1", "Cancel my order please", "ossie", "Ossie Order")
                hook.status = 400
                page.goto(f"{base}/app#/conversations/{order['conversation_id']}")
                expect_check("the order conversation opens",
                             lambda: expect(page.locator(".message.customer .body")).to_have_text("Cancel my order please"))
                composer.fill("Cancelled, your refund is on its way.")
                page.get_by_test_id("send").click()
                delivery = page.locator(".message.agent", has_text="your refund is on its way").get_by_test_id("delivery")
                expect_check("a reply the integration refuses shows as failed, with Retry",
                             lambda: expect(delivery).to_contain_text("Failed to deliver", timeout=15_000)
                             and expect(delivery.get_by_test_id("retry")).to_be_visible())
                posted = hook.requests[0] if hook.requests else {}
                expected = "sha256=" + hmac.new(signing_secret.encode(), posted.get("body", b""), hashlib.sha256).hexdigest()
                check("the integration got the reply, signed with the inbox's secret",
                      posted.get("signature") == expected and b"your refund is on its way" in posted.get("body", b""), posted)
                shot(page, "delivery-failed")
                hook.status = 200
                delivery.get_by_test_id("retry").click()
                expect_check("after Retry the reply is sent", lambda: expect(delivery).to_have_text("Sent", timeout=15_000))
                check("both attempts carry the reply's id", len(hook.requests) == 2
                      and hook.requests[0]["delivery"] == hook.requests[1]["delivery"] is not None, hook.requests)
            finally:
                hook.close()

            # --- narrow (mobile) width ------------------------------------------------------------------------
            phone = browser.new_context(viewport={"width": 390, "height": 800})
            mobile = phone.new_page()
            mobile.goto(base + "/app")
            mobile.evaluate("token => localStorage.setItem('switchboard.agent_token', token)", token)
            mobile.reload()
            expect_check("mobile: the list shows", lambda: expect(mobile.locator(f".row[data-id='{hostile['conversation_id']}']")).to_be_visible())
            mobile.locator(f".row[data-id='{hostile['conversation_id']}']").click()
            expect_check("mobile: opening shows only the conversation", lambda: expect(mobile.locator(".list-pane")).to_be_hidden())
            expect_check("mobile: the composer fits", lambda: expect(mobile.get_by_test_id("composer")).to_be_in_viewport())
            mobile.screenshot(path=os.path.join(artifacts, "workspace-mobile.png"))
            mobile.get_by_role("button", name="Back to the list").click()
            expect_check("mobile: back shows the list", lambda: expect(mobile.locator(".list-pane")).to_be_visible())
            phone.close()

            # --- an agent (not an admin) sees the inboxes they are a member of, and no settings ----------------
            bob_id = next(a["id"] for a in agents["items"] if a["email"] == "bob@example.com")
            status, _, _ = call(base, "PUT", f"/api/v1/inboxes/{shop['id']}/members", {"agent_ids": [bob_id]}, token=token)
            check("bob joins the Shop inbox", status == 200, status)
            colleague = browser.new_context(viewport={"width": 1280, "height": 800})
            bob = colleague.new_page()
            bob.goto(base + "/app")
            bob.get_by_label("Email").fill("bob@example.com")
            bob.get_by_label("Password").fill("bob's long password")
            bob.get_by_role("button", name="Sign in").click()
            expect_check("bob signs in", lambda: expect(bob.locator(".rail .me")).to_have_text("Bob Agent"))
            check("bob has no settings link", bob.locator("[data-nav=settings]").count() == 0)
            bob.locator("select[data-filter=status]").select_option("")
            expect_check("bob sees the Shop conversation", lambda: expect(bob.locator(f".row[data-id='{first['conversation_id']}']")).to_be_visible())
            check("bob does not see other inboxes' conversations",
                  bob.locator(f".row[data-id='{hostile['conversation_id']}']").count() == 0
                  and bob.locator(f".row[data-id='{chat_conversation}']").count() == 0)
            billing_live = inbound(base, billing, "m-billing-2", "Billing question for admins only", "zed", "Zed")
            shop_live = inbound(base, shop, "m-shop-2", "A new Shop question", "yan", "Yan")
            expect_check("bob gets his inbox's new conversation live",
                         lambda: expect(bob.locator(f".row[data-id='{shop_live['conversation_id']}']")).to_be_visible())
            time.sleep(0.5)
            check("and not the other inbox's", bob.locator(f".row[data-id='{billing_live['conversation_id']}']").count() == 0)
            bob.goto(f"{base}/app#/settings")
            check("bob cannot open settings", bob.locator(".settings").count() == 0)
            colleague.close()

            # --- sign out ------------------------------------------------------------------------------------
            page_token = page.evaluate("localStorage.getItem('switchboard.agent_token')")
            page.get_by_test_id("sign-out").click()
            expect_check("sign out shows the sign-in page", lambda: expect(page.get_by_role("heading", name="Sign in")).to_be_visible())
            status, _, _ = call(base, "GET", "/api/v1/me", token=page_token)
            check("the signed-out token is refused", status == 401, status)
            page.get_by_label("Email").fill(ADMIN["email"])
            page.get_by_label("Password").fill("wrong password!")
            page.get_by_role("button", name="Sign in").click()
            expect_check("a wrong password is a clear message", lambda: expect(page.locator(".error")).to_have_text("Wrong email or password."))
            page.get_by_label("Password").fill(ADMIN["password"])
            page.get_by_role("button", name="Sign in").click()
            expect_check("signing in again works", lambda: expect(page.locator(".rail .me")).to_have_text(ADMIN["name"]))
            check("no page errors", not [e for e in errors if "401" not in e], errors[:5])
            browser.close()
    except Exception as error:  # noqa: BLE001 - report and count, never hang
        check("no unexpected exception", False, repr(error)[:800])
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"screenshots in {artifacts}")
    return summary()


if __name__ == "__main__":
    sys.exit(main())
