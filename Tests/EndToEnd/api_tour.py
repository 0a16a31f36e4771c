#!/usr/bin/env python3
"""End-to-end checks against a real `switchboard serve` process: the README tour over HTTP, error
bodies, the body limit, the OpenAPI document, graceful shutdown and restart on the same data.

Usage: api_tour.py [path/to/switchboard]   (default .build/debug/switchboard)
Prints 'N passed, M failed' last and exits non-zero when anything failed.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(REPO, ".build", "debug", "switchboard")
results = {"passed": 0, "failed": 0}


def check(name, condition, detail=""):
    if condition:
        results["passed"] += 1
        print(f"ok   {name}")
    else:
        results["failed"] += 1
        print(f"FAIL {name} {detail}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`switchboard serve` on a free loopback port; ready once /healthz answers."""

    def __init__(self, data_dir, timeout=30):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.output = []
        self.process = subprocess.Popen(
            [BINARY, "serve", "--port", str(self.port), "--data-dir", data_dir, "--log-level", "warning"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        # Keep reading the server's output so a full pipe can never block it.
        threading.Thread(target=lambda: self.output.extend(self.process.stdout), daemon=True).start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}: {''.join(self.output)[-2000:]}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        self.process.kill()
        raise RuntimeError(f"server not healthy after {timeout} s: {''.join(self.output)[-2000:]}")

    def stop(self):
        """SIGTERM, then the exit status, or None when it had to be killed after 10 s."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return None

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def call(base, method, path, body=None, token=None, headers=None, raw=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read().decode()
            return response.status, (json.loads(text) if text.startswith(("{", "[")) else text)
    except urllib.error.HTTPError as error:
        text = error.read().decode()
        try:
            return error.code, json.loads(text)
        except ValueError:
            return error.code, text


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
        server = Server(data_dir)
        base = server.base
        status, body = call(base, "GET", "/healthz")
        check("healthz", status == 200 and body == {"status": "ok"}, body)

        created = subprocess.run([BINARY, "admin", "create", "--data-dir", data_dir, "--email", "admin@example.com",
                                  "--password", "change me please", "--name", "Ada Admin"], capture_output=True, text=True)
        check("admin create while serving", created.returncode == 0, created.stderr)
        again = subprocess.run([BINARY, "admin", "create", "--data-dir", data_dir, "--email", "admin@example.com",
                                "--password", "change me please", "--name", "Ada Admin"], capture_output=True, text=True)
        check("duplicate admin is a clear CLI error", again.returncode != 0 and "already exists" in again.stderr, again.stderr)

        status, login = call(base, "POST", "/api/v1/auth/login", {"email": "admin@example.com", "password": "change me please"})
        check("login", status == 200 and login.get("agent", {}).get("role") == "admin", login)
        token = login.get("token")

        status, inbox = call(base, "POST", "/api/v1/inboxes", {"name": "Shop backend", "channel": "api"}, token=token)
        check("create api inbox", status == 201 and inbox.get("inbound_token"), inbox)
        incoming_path = f"/api/v1/inboxes/{inbox['id']}/incoming"
        message = {"external_id": "order-42-msg-1", "content": "My parcel has not arrived.",
                   "contact": {"external_id": "cust-42", "name": "Grace", "email": "grace@example.com"}}
        inbound = {"X-Inbox-Token": inbox["inbound_token"]}
        status, first = call(base, "POST", incoming_path, message, headers=inbound)
        check("inbound message 201", status == 201 and first.get("conversation_id"), first)
        status, second = call(base, "POST", incoming_path, message, headers=inbound)
        check("redelivery 200 with same ids", status == 200 and second == first, second)
        status, body = call(base, "POST", incoming_path, message, headers={"X-Inbox-Token": "wrong"})
        check("wrong inbox token 401", status == 401 and is_error_body(body), body)

        status, listing = call(base, "GET", "/api/v1/conversations?status=open", token=token)
        items = listing.get("items", []) if isinstance(listing, dict) else []
        check("conversation listed", status == 200 and len(items) == 1
              and items[0]["id"] == first.get("conversation_id")
              and items[0]["last_message"]["content"] == "My parcel has not arrived."
              and items[0]["contact"]["name"] == "Grace", listing)
        conversation = first["conversation_id"]

        status, reply = call(base, "POST", f"/api/v1/conversations/{conversation}/messages",
                             {"content": "Sorry Grace, a new parcel leaves today."}, token=token)
        check("reply 201", status == 201 and reply.get("direction") == "out" and reply.get("private") is False, reply)
        status, messages = call(base, "GET", f"/api/v1/conversations/{conversation}/messages", token=token)
        check("two messages: inbound then reply", status == 200 and
              [(m["direction"], m["content"]) for m in messages.get("items", [])] ==
              [("in", "My parcel has not arrived."), ("out", "Sorry Grace, a new parcel leaves today.")], messages)
        status, note = call(base, "POST", f"/api/v1/conversations/{conversation}/messages",
                            {"content": "Courier lost it.", "private": True}, token=token)
        check("private note 201", status == 201 and note.get("private") is True, note)
        status, patched = call(base, "PATCH", f"/api/v1/conversations/{conversation}",
                               {"status": "resolved", "labels": ["shipping"]}, token=token)
        check("resolve", status == 200 and patched.get("status") == "resolved" and patched.get("labels") == ["shipping"], patched)
        status, messages = call(base, "GET", f"/api/v1/conversations/{conversation}/messages", token=token)
        check("three messages in order", status == 200 and [m["content"] for m in messages.get("items", [])] ==
              ["My parcel has not arrived.", "Sorry Grace, a new parcel leaves today.", "Courier lost it."], messages)

        status, body = call(base, "POST", "/api/v1/inboxes", raw=b"{not json", token=token)
        check("malformed JSON 400 with error body", status == 400 and is_error_body(body), body)
        status, body = call(base, "GET", "/api/v1/conversations")
        check("no token 401 with error body", status == 401 and is_error_body(body), body)
        status, body = call(base, "POST", "/api/v1/inboxes", raw=b'{"name":"' + b"x" * (2 << 20) + b'"}', token=token)
        check("2 MiB body 413", status == 413 and is_error_body(body), body)
        status, body = call(base, "GET", "/api/v1/conversations?cursor=bogus", token=token)
        check("bad cursor 400", status == 400 and is_error_body(body), body)
        status, body = call(base, "GET", "/api/v1/conversations/nope", token=token)
        check("unknown id 404", status == 404 and is_error_body(body), body)

        status, document = call(base, "GET", "/api/v1/openapi.json")
        try:
            from openapi_spec_validator import validate
            validate(document)
            check("openapi.json validates", status == 200)
        except Exception as error:  # noqa: BLE001 - any validation failure is a failed check
            check("openapi.json validates", False, repr(error)[:500])

        status, metrics = call(base, "GET", "/metrics")
        check("metrics", status == 200 and "hb_requests" in metrics, str(metrics)[:200])

        # A client that completes the WebSocket upgrade and then never answers the close handshake
        # must not hold the server up: SIGTERM still stops it within the close timeout.
        silent = silent_websocket(server.port, f"/api/v1/realtime?token={token}")
        check("silent WebSocket client upgraded", silent is not None)
        # Enough events that the server's writes to the silent client back up.
        for index in range(300):
            call(base, "POST", incoming_path, {"external_id": f"bulk-{index}", "content": "x" * 3000,
                                               "contact": {"external_id": f"bulk-{index % 20}"}}, headers=inbound)
        started = time.monotonic()
        code = server.stop()
        check("graceful shutdown on SIGTERM exits 0", code == 0, code)
        check("shutdown with a silent WebSocket client takes under 10 s", time.monotonic() - started < 10,
              round(time.monotonic() - started, 1))
        if silent:
            silent.close()
        server = Server(data_dir)
        status, login = call(server.base, "POST", "/api/v1/auth/login",
                             {"email": "admin@example.com", "password": "change me please"})
        status, conversation_after = call(server.base, "GET", f"/api/v1/conversations/{conversation}", token=login.get("token"))
        check("data survives restart", status == 200 and conversation_after.get("status") == "resolved", conversation_after)
        status, messages = call(server.base, "GET", f"/api/v1/conversations/{conversation}/messages", token=login.get("token"))
        check("messages survive restart", status == 200 and len(messages.get("items", [])) == 3, messages)
        code = server.stop()
        check("second graceful shutdown exits 0", code == 0, code)
    except Exception as error:  # noqa: BLE001 - report and count, never hang
        check("no unexpected exception", False, repr(error))
    finally:
        if server:
            server.kill()
        shutil.rmtree(data_dir, ignore_errors=True)
    print(f"{results['passed']} passed, {results['failed']} failed")
    return 0 if results["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
