#!/usr/bin/env python3
"""End-to-end checks against a real `switchboard serve` process: the README tour over HTTP, error
bodies, the body limit, the OpenAPI document, graceful shutdown and restart on the same data.

Usage: api_tour.py [path/to/switchboard]   (default .build/debug/switchboard)
Prints 'N passed, M failed' last and exits non-zero when anything failed.
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

from harness import Server, call, check, summary

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(REPO, ".build", "debug", "switchboard")


def silent_websocket(port, path):
    """A raw socket that completes a WebSocket upgrade and then never reads or answers again."""
    sock = socket.socket()
    # A small receive window, so the server's writes to this socket back up quickly.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(5)
    sock.connect(("127.0.0.1", port))
    sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  "Sec-WebSocket-Version: 13\r\n\r\n").encode())
    answer = b""
    while b"\r\n\r\n" not in answer:
        chunk = sock.recv(4096)
        if not chunk:
            break
        answer += chunk
    if not answer.startswith(b"HTTP/1.1 101"):
        sock.close()
        return None
    return sock


def is_error_body(body):
    return isinstance(body, dict) and isinstance(body.get("error"), dict) \
        and body["error"].get("code") and body["error"].get("message")


def main():
    data_dir = tempfile.mkdtemp(prefix="switchboard-e2e-")
    server = None
    try:
        server = Server(BINARY, data_dir)
        base = server.base
        status, body, _ = call(base, "GET", "/healthz")
        check("healthz", status == 200 and body == {"status": "ok"}, body)

        created = subprocess.run([BINARY, "admin", "create", "--data-dir", data_dir, "--email", "admin@example.com",
                                  "--password", "change me please", "--name", "Ada Admin"], capture_output=True, text=True)
        check("admin create while serving", created.returncode == 0, created.stderr)
        again = subprocess.run([BINARY, "admin", "create", "--data-dir", data_dir, "--email", "admin@example.com",
                                "--password", "change me please", "--name", "Ada Admin"], capture_output=True, text=True)
        check("duplicate admin is a clear CLI error", again.returncode != 0 and "already exists" in again.stderr, again.stderr)
        bad_proxy = subprocess.run([BINARY, "serve", "--port", "0", "--data-dir", data_dir, "--trusted-proxy", "not-an-ip"],
                                   capture_output=True, text=True, timeout=30)
        check("a bad --trusted-proxy is a clear CLI error", bad_proxy.returncode != 0 and "IP address" in bad_proxy.stderr,
              bad_proxy.stderr)

        status, login, _ = call(base, "POST", "/api/v1/auth/login", {"email": "admin@example.com", "password": "change me please"})
        check("login", status == 200 and login.get("agent", {}).get("role") == "admin", login)
        token = login.get("token")

        status, inbox, _ = call(base, "POST", "/api/v1/inboxes", {"name": "Shop backend", "channel": "api"}, token=token)
        check("create api inbox", status == 201 and inbox.get("inbound_token"), inbox)
        incoming_path = f"/api/v1/inboxes/{inbox['id']}/incoming"
        message = {"external_id": "order-42-msg-1", "content": "My parcel has not arrived.",
                   "contact": {"external_id": "cust-42", "name": "Grace", "email": "grace@example.com"}}
        inbound = {"X-Inbox-Token": inbox["inbound_token"]}
        status, first, _ = call(base, "POST", incoming_path, message, headers=inbound)
        check("inbound message 201", status == 201 and first.get("conversation_id"), first)
        status, second, _ = call(base, "POST", incoming_path, message, headers=inbound)
        check("redelivery 200 with same ids", status == 200 and second == first, second)
        status, body, _ = call(base, "POST", incoming_path, message, headers={"X-Inbox-Token": "wrong"})
        check("wrong inbox token 401", status == 401 and is_error_body(body), body)

        status, listing, _ = call(base, "GET", "/api/v1/conversations?status=open", token=token)
        items = listing.get("items", []) if isinstance(listing, dict) else []
        check("conversation listed", status == 200 and len(items) == 1
              and items[0]["id"] == first.get("conversation_id")
              and items[0]["last_message"]["content"] == "My parcel has not arrived."
              and items[0]["contact"]["name"] == "Grace", listing)
        conversation = first["conversation_id"]

        status, reply, _ = call(base, "POST", f"/api/v1/conversations/{conversation}/messages",
                                {"content": "Sorry Grace, a new parcel leaves today."}, token=token)
        check("reply 201", status == 201 and reply.get("direction") == "out" and reply.get("private") is False, reply)
        status, messages, _ = call(base, "GET", f"/api/v1/conversations/{conversation}/messages", token=token)
        check("two messages: inbound then reply", status == 200 and
              [(m["direction"], m["content"]) for m in messages.get("items", [])] ==
              [("in", "My parcel has not arrived."), ("out", "Sorry Grace, a new parcel leaves today.")], messages)
        status, note, _ = call(base, "POST", f"/api/v1/conversations/{conversation}/messages",
                               {"content": "Courier lost it.", "private": True}, token=token)
        check("private note 201", status == 201 and note.get("private") is True, note)
        status, patched, _ = call(base, "PATCH", f"/api/v1/conversations/{conversation}",
                                  {"status": "resolved", "labels": ["shipping"]}, token=token)
        check("resolve", status == 200 and patched.get("status") == "resolved" and patched.get("labels") == ["shipping"], patched)
        status, messages, _ = call(base, "GET", f"/api/v1/conversations/{conversation}/messages", token=token)
        check("three messages in order", status == 200 and [m["content"] for m in messages.get("items", [])] ==
              ["My parcel has not arrived.", "Sorry Grace, a new parcel leaves today.", "Courier lost it."], messages)

        status, body, _ = call(base, "POST", "/api/v1/inboxes", raw=b"{not json", token=token)
        check("malformed JSON 400 with error body", status == 400 and is_error_body(body), body)
        status, body, _ = call(base, "GET", "/api/v1/conversations")
        check("no token 401 with error body", status == 401 and is_error_body(body), body)
        status, body, _ = call(base, "POST", "/api/v1/inboxes", raw=b'{"name":"' + b"x" * (2 << 20) + b'"}', token=token)
        check("2 MiB body 413", status == 413 and is_error_body(body), body)
        status, body, _ = call(base, "GET", "/api/v1/conversations?cursor=bogus", token=token)
        check("bad cursor 400", status == 400 and is_error_body(body), body)
        status, body, _ = call(base, "GET", "/api/v1/conversations/nope", token=token)
        check("unknown id 404", status == 404 and is_error_body(body), body)

        status, document, _ = call(base, "GET", "/api/v1/openapi.json")
        try:
            from openapi_spec_validator import validate
            validate(document)
            check("openapi.json validates", status == 200)
        except Exception as error:  # noqa: BLE001 - any validation failure is a failed check
            check("openapi.json validates", False, repr(error)[:500])

        status, metrics, _ = call(base, "GET", "/metrics")
        check("metrics", status == 200 and "hb_requests" in metrics, str(metrics)[:200])

        # A client that completes the WebSocket upgrade and then never answers the close handshake
        # must not hold the server up: SIGTERM still stops it within the close timeout.
        silent = silent_websocket(server.port, f"/api/v1/realtime?token={token}")
        check("silent WebSocket client upgraded", silent is not None)
        # A visitor's socket (served by channel handlers, not a task) is told the server is going away.
        status, site, _ = call(base, "POST", "/api/v1/inboxes", {"name": "Site", "channel": "web_chat"}, token=token)
        status, session, _ = call(base, "POST", f"/api/v1/widget/{site.get('id')}/sessions", {"name": "Ada"})
        visitor = silent_websocket(server.port, f"/api/v1/widget/{site.get('id')}/ws?visitor_token={session.get('visitor_token')}")
        check("visitor WebSocket upgraded", visitor is not None)
        # Enough events that the server's writes to the silent client back up.
        for index in range(300):
            call(base, "POST", incoming_path, {"external_id": f"bulk-{index}", "content": "x" * 3000,
                                               "contact": {"external_id": f"bulk-{index % 20}"}}, headers=inbound)
        # Connections that never finished a request head must not hold the shutdown up either: one that
        # sent nothing, one that half-closed without a byte, one stuck half-way through a head.
        idle = socket.create_connection(("127.0.0.1", server.port))
        half_closed = socket.create_connection(("127.0.0.1", server.port))
        half_closed.shutdown(socket.SHUT_WR)
        partial = socket.create_connection(("127.0.0.1", server.port))
        partial.sendall(b"GET /api/v1/widget/x/ws HTTP/1.1\r\nUpgrade: web")
        time.sleep(0.2)
        started = time.monotonic()
        code = server.stop(timeout=10)
        check("graceful shutdown on SIGTERM exits 0", code == 0, code)
        check("shutdown with a silent WebSocket client takes under 10 s", time.monotonic() - started < 10,
              round(time.monotonic() - started, 1))
        for sock in (idle, half_closed, partial):
            sock.close()
        if silent:
            silent.close()
        if visitor:
            received = b""
            try:
                while True:
                    chunk = visitor.recv(65536)
                    if not chunk:
                        break
                    received += chunk
            except OSError:
                pass
            visitor.close()
            # A close frame (0x88) with code 1001, going away, after the hello.
            check("visitor socket closed with 1001 on shutdown", b"\x88\x02\x03\xe9" in received, received[-40:])
        server = Server(BINARY, data_dir)
        status, login, _ = call(server.base, "POST", "/api/v1/auth/login",
                                {"email": "admin@example.com", "password": "change me please"})
        status, conversation_after, _ = call(server.base, "GET", f"/api/v1/conversations/{conversation}", token=login.get("token"))
        check("data survives restart", status == 200 and conversation_after.get("status") == "resolved", conversation_after)
        status, messages, _ = call(server.base, "GET", f"/api/v1/conversations/{conversation}/messages", token=login.get("token"))
        check("messages survive restart", status == 200 and len(messages.get("items", [])) == 3, messages)
        code = server.stop(timeout=10)
        check("second graceful shutdown exits 0", code == 0, code)
    except Exception as error:  # noqa: BLE001 - report and count, never hang
        check("no unexpected exception", False, repr(error))
    finally:
        if server:
            server.kill()
        shutil.rmtree(data_dir, ignore_errors=True)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
