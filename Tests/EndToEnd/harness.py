"""What the end-to-end scripts share: counted checks, a `switchboard serve` process on a loopback port, a JSON
HTTP client that never raises for HTTP errors (loopback only: it never goes through a proxy), and polling."""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

results = {"passed": 0, "failed": 0}
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only, never a proxy


def check(name, condition, detail=""):
    """Counts one check and prints it; a failure shows the first 1,500 characters of its detail."""
    if condition:
        results["passed"] += 1
        print(f"ok   {name}", flush=True)
    else:
        results["failed"] += 1
        print(f"FAIL {name} {str(detail)[:1500]}", flush=True)
    return bool(condition)


def expect_check(name, assertion):
    """Runs a Playwright `expect` (bounded by its timeout) as one check."""
    try:
        assertion()
        return check(name, True)
    except Exception as error:  # noqa: BLE001 - an assertion or timeout is a failed check
        return check(name, False, str(error).splitlines()[0][:300] if str(error) else repr(error))


def summary():
    """Prints the totals and returns the exit status."""
    print(f"{results['passed']} passed, {results['failed']} failed", flush=True)
    return 1 if results["failed"] else 0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def snapshot_binary(binary, into):
    """A private copy of the binary and its resource bundles, so a rebuild during the run can neither fail a
    restart (ETXTBSY) nor mix two server versions. Retried while the build is writing."""
    for _ in range(10):
        stamp = os.stat(binary).st_mtime_ns
        target = tempfile.mkdtemp(prefix="bin-", dir=into)
        shutil.copy2(binary, target)
        for entry in os.listdir(os.path.dirname(binary)):
            if entry.endswith(".resources"):
                shutil.copytree(os.path.join(os.path.dirname(binary), entry), os.path.join(target, entry))
        if os.stat(binary).st_mtime_ns == stamp:
            return os.path.join(target, os.path.basename(binary))
        time.sleep(2)
    raise RuntimeError(f"{binary} kept changing while being copied")


class Server:
    """`switchboard serve` on a loopback port (a free one unless `port` is given, e.g. to restart on the same
    port); ready once /healthz answers within `timeout` seconds. `env` adds environment variables (e.g.
    SWITCHBOARD_ADMIN_EMAIL for an initial admin), `extra_args` more arguments to `serve`."""

    def __init__(self, binary, data_dir, env=None, extra_args=(), timeout=30, port=None):
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.output = []
        self.process = subprocess.Popen(
            [binary, "serve", "--port", str(self.port), "--data-dir", data_dir, "--log-level", "warning", *extra_args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=dict(os.environ, **(env or {})))
        # Keep reading the server's output so a full pipe can never block it.
        threading.Thread(target=lambda: self.output.extend(self.process.stdout), daemon=True).start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}: {''.join(self.output)[-2000:]}")
            try:
                with OPENER.open(self.base + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"server not healthy after {timeout} s: {''.join(self.output)[-2000:]}")

    def stop(self, timeout=15):
        """SIGTERM, then the exit status, or None when it had to be killed after `timeout` seconds."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                return self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                return None
        return self.process.returncode

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def call(base, method, path, body=None, token=None, headers=None, raw=None, timeout=10):
    """(status, JSON or text body, response headers); never raises for HTTP errors, raises OSError when there
    is no HTTP answer at all. `raw` sends those bytes as the body instead of `body` as JSON (both are sent as
    application/json unless `headers` say otherwise)."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with OPENER.open(request, timeout=timeout) as response:
            status, text, response_headers = response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as error:
        status, text, response_headers = error.code, error.read().decode(errors="replace"), error.headers
    try:
        return status, json.loads(text), response_headers
    except ValueError:
        return status, text, response_headers


def wait_for(predicate, timeout=10.0, interval=0.1, retry=()):
    """The predicate's first truthy value within the timeout, else its last value. Exceptions of the types in
    `retry` count as "not yet" (None when it is the last)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
        except retry:
            value = None
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)
