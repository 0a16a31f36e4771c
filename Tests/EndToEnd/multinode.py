#!/usr/bin/env python3
"""End-to-end checks of several `switchboard serve` nodes on one PostgreSQL database.

Two real server processes (nodes A and B, role `all`) start at the same time on a throwaway database
and must act as one Switchboard:
  (a) both healthy, one admin, inboxes created on A listed on B, a token issued by A accepted by B;
  (b) an agent socket on A and a visitor (session + socket) on B: the visitor's message reaches A's
      agent socket, an agent reply posted to A reaches the visitor on B, a private note never does,
      typing travels both ways;
  (c) 20 inbound messages posted alternately to A and B: agent sockets on A and on B receive the same
      (event id, message id) sequence, event ids strictly increasing; `after=<10th id>` on B replays
      exactly the last 10;
  (d) kill -9 of node A in the middle of a burst of concurrent inbound posts: after a restart every
      acknowledged external_id answers 200 to a redelivery, and each is stored exactly once (psql);
  (e) connection loss: node B's PostgreSQL backends are terminated (then every backend of the
      database) while an agent socket is open on B; messages posted to A still reach it.

Usage: multinode.py [path/to/switchboard]   (default .build/debug/switchboard)
Env:   SWITCHBOARD_TEST_POSTGRES_URL  a PostgreSQL URL (user with CREATEDB); the script creates its own
                                      database switchboard_e2e_<random> beside it and drops it at the end.
                                      Unset: the checks are skipped (exit 0).
       MULTINODE_BURST (400)  MULTINODE_CONCURRENCY (16)   size of the kill -9 burst in (d)
       MULTINODE_KEEP=1       keep the database and the nodes' logs (for debugging)
Prints 'N passed, M failed' last and exits non-zero when anything failed. Every wait is bounded.
"""
import concurrent.futures
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse

from harness import call, check, free_port, results, snapshot_binary, summary

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(REPO, ".build", "debug", "switchboard")
ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "change me please"
BURST = int(os.environ.get("MULTINODE_BURST", "400"))
CONCURRENCY = int(os.environ.get("MULTINODE_CONCURRENCY", "16"))


def info(text):
    print(f"     {text}", flush=True)


def try_call(*args, **kwargs):
    """(status, body) of call(), with a failed connection answered as (None, repr(error))."""
    try:
        return call(*args, **kwargs)[:2]
    except (OSError, urllib.error.URLError) as error:
        return None, repr(error)


# --- PostgreSQL ---------------------------------------------------------------------------------------------

class Postgres:
    """psql against the server named by SWITCHBOARD_TEST_POSTGRES_URL; databases by name."""

    def __init__(self, url):
        self.url = url
        parts = urllib.parse.urlsplit(url)
        self.parts = parts
        self.port = parts.port or 5432

    def url_for(self, database):
        return urllib.parse.urlunsplit((self.parts.scheme, self.parts.netloc, "/" + database, self.parts.query, ""))

    def psql(self, sql, database=None, timeout=30):
        url = self.url_for(database) if database else self.url
        done = subprocess.run(["psql", url, "-X", "-q", "-A", "-t", "-F", "|", "-v", "ON_ERROR_STOP=1", "-c", sql],
                              capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"psql failed ({done.returncode}) for {sql!r}: {done.stderr.strip()}")
        return [line.split("|") for line in done.stdout.splitlines() if line != ""]


# --- server nodes -------------------------------------------------------------------------------------------

class Node:
    """`switchboard serve` on PostgreSQL, with the admin from the environment; output kept in memory."""

    def __init__(self, name, binary, database_url, data_dir, port=None, role="all"):
        self.name, self.binary, self.database_url, self.data_dir, self.role = name, binary, database_url, data_dir, role
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.ws_base = f"ws://127.0.0.1:{self.port}"
        self.output = []
        self.process = None

    def start(self):
        env = dict(os.environ, SWITCHBOARD_ADMIN_EMAIL=ADMIN_EMAIL, SWITCHBOARD_ADMIN_PASSWORD=ADMIN_PASSWORD,
                   SWITCHBOARD_ADMIN_NAME="Ada Admin")
        for key in ("SWITCHBOARD_DATABASE_URL", "SWITCHBOARD_ROLE", "SWITCHBOARD_PORT", "SWITCHBOARD_DATA_DIR"):
            env.pop(key, None)
        self.output.append(f"--- start {time.strftime('%H:%M:%S')} port {self.port}\n")
        self.process = subprocess.Popen(
            [self.binary, "serve", "--database-url", self.database_url, "--port", str(self.port),
             "--data-dir", self.data_dir, "--role", self.role, "--log-level", "warning",
             "--widget-ip-message-rate", "0", "--widget-ip-session-rate", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        process = self.process
        threading.Thread(target=lambda: self.output.extend(process.stdout), daemon=True).start()

    def wait_healthy(self, timeout=60):
        """None when /healthz answers 200 within the time, else why not."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                time.sleep(0.2)  # let the reader thread take the last lines
                return f"node {self.name} exited with {self.process.returncode}: {self.log_tail()}"
            status, _ = try_call(self.base, "GET", "/healthz", timeout=2)
            if status == 200:
                return None
            time.sleep(0.1)
        return f"node {self.name} not healthy after {timeout} s: {self.log_tail()}"

    def kill9(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill9()

    def log_tail(self, lines=25):
        text = "".join(self.output).strip().splitlines()
        return "\n".join(text[-lines:]) if text else "(no output)"

    def socket_local_ports(self, remote_port):
        """Local TCP ports of this process's connections to remote_port (its PostgreSQL connections)."""
        inodes = set()
        fd_dir = f"/proc/{self.process.pid}/fd"
        for fd in os.listdir(fd_dir):
            try:
                target = os.readlink(os.path.join(fd_dir, fd))
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
        ports = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                with open(table) as f:
                    rows = f.read().splitlines()[1:]
            except OSError:
                continue
            for row in rows:
                fields = row.split()
                local, remote, inode = fields[1], fields[2], fields[9]
                if inode in inodes and int(remote.rsplit(":", 1)[1], 16) == remote_port:
                    ports.add(int(local.rsplit(":", 1)[1], 16))
        return ports


# --- WebSockets ---------------------------------------------------------------------------------------------

class Socket:
    """A WebSocket read on its own thread: every JSON frame is kept with its arrival time."""

    def __init__(self, url, name):
        from websockets.sync.client import connect
        self.name = name
        self.ws = connect(url, open_timeout=10, close_timeout=2, proxy=None, compression=None, max_size=None)
        self.frames = []  # (monotonic arrival, frame dict)
        self.raw = []
        self.closed = None
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        reason = "closed"
        try:
            for text in self.ws:
                now = time.monotonic()
                try:
                    frame = json.loads(text)
                except ValueError:
                    frame = {"unparsed": text}
                with self.cond:
                    self.frames.append((now, frame))
                    self.raw.append(text if isinstance(text, str) else text.decode(errors="replace"))
                    self.cond.notify_all()
        except Exception as error:  # noqa: BLE001 - any end of the stream is recorded
            reason = repr(error)
        finally:
            with self.cond:
                self.closed = reason if self.ws.close_code is None else f"{reason} (close code {self.ws.close_code})"
                self.cond.notify_all()

    def mark(self):
        with self.cond:
            return len(self.frames)

    def wait_for(self, predicate, timeout, since=0):
        """The first (arrival, frame) at index >= since matching predicate, or None after timeout."""
        deadline = time.monotonic() + timeout
        index = since
        with self.cond:
            while True:
                while index < len(self.frames):
                    if predicate(self.frames[index][1]):
                        return self.frames[index]
                    index += 1
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.closed:
                    return None
                self.cond.wait(remaining)

    def wait_all(self, predicate, count, timeout, since=0):
        """Matching (arrival, frame) pairs from index since, once count are there or the time is up."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                found = [pair for pair in self.frames[since:] if predicate(pair[1])]
                remaining = deadline - time.monotonic()
                if len(found) >= count or remaining <= 0 or self.closed:
                    return found
                self.cond.wait(remaining)

    def send(self, obj):
        self.ws.send(json.dumps(obj))

    def close(self):
        try:
            self.ws.close()
        except Exception:  # noqa: BLE001
            pass


def message_created(ids=None):
    def predicate(frame):
        return frame.get("type") == "message.created" and (ids is None or frame.get("data", {}).get("id") in ids)
    return predicate


def frame_ids(pairs):
    return [(int(frame["id"]), frame["data"]["id"]) for _, frame in pairs]


def ms(seconds):
    return f"{seconds * 1000:.0f} ms"


# --- the checks ---------------------------------------------------------------------------------------------

def part_a(pg, db, a, b, ctx):
    for node in (a, b):
        status, body = try_call(node.base, "GET", "/healthz")
        check(f"(a) node {node.name} /healthz", status == 200 and body == {"status": "ok"}, f"{status} {body}")
    logins, first = {}, {}
    for node in (a, b):
        # Right after /healthz said 200: a deploy script would log in now. Then retried for 15 s, so that
        # a late admin fails this check only and the rest still runs.
        deadline = time.monotonic() + 15
        attempts = 0
        while True:
            status, body = try_call(node.base, "POST", "/api/v1/auth/login", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
            attempts += 1
            ok = status == 200 and isinstance(body, dict) and body.get("agent", {}).get("role") == "admin"
            first.setdefault(node.name, (status, body))
            if ok or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        check(f"(a) admin (from the environment) logs in on node {node.name}", ok, f"{status} {body}")
        if ok and attempts > 1:
            info(f"node {node.name}: the admin could log in only at attempt {attempts}; the first answered {first[node.name]}")
        logins[node.name] = body if ok else {}
    late = {name: answer for name, answer in first.items() if answer[0] != 200}
    check("(a) the admin can log in on each node as soon as its /healthz answers 200", not late,
          f"first login answers: {late}")
    ctx["token_a"] = logins["A"].get("token")
    ctx["token_b"] = logins["B"].get("token")
    if not (ctx["token_a"] and ctx["token_b"]):
        raise RuntimeError("no admin token; the remaining checks need one")
    check("(a) the same admin on both nodes", logins["A"]["agent"]["id"] == logins["B"]["agent"]["id"],
          f"{logins['A']['agent']} vs {logins['B']['agent']}")
    rows = pg.psql("SELECT role, count(*) FROM agents GROUP BY role ORDER BY role", db)
    check("(a) exactly one agent (the admin) in the database after two nodes started with the admin env",
          rows == [["admin", "1"]], rows)
    status, agents, _ = call(b.base, "GET", "/api/v1/agents", token=ctx["token_b"])
    check("(a) GET /agents on B lists one admin", status == 200 and len(agents.get("items", [])) == 1, f"{status} {agents}")
    status, me, _ = call(b.base, "GET", "/api/v1/me", token=ctx["token_a"])
    check("(a) a token issued by A is accepted by B", status == 200, f"{status} {me}")

    status, api_inbox, _ = call(a.base, "POST", "/api/v1/inboxes", {"name": "Shop backend", "channel": "api"}, token=ctx["token_a"])
    check("(a) api inbox created on A", status == 201 and api_inbox.get("inbound_token"), f"{status} {api_inbox}")
    status, chat_inbox, _ = call(a.base, "POST", "/api/v1/inboxes",
                                 {"name": "Website", "channel": "web_chat", "settings": {"greeting": "Hi!", "pre_chat_form": False}},
                                 token=ctx["token_a"])
    check("(a) web_chat inbox created on A", status == 201 and chat_inbox.get("id"), f"{status} {chat_inbox}")
    if not (api_inbox.get("inbound_token") and chat_inbox.get("id")):
        raise RuntimeError("inboxes missing; the remaining checks need them")
    ctx["api_inbox"], ctx["inbound_token"], ctx["chat_inbox"] = api_inbox["id"], api_inbox["inbound_token"], chat_inbox["id"]
    status, listing, _ = call(b.base, "GET", "/api/v1/inboxes", token=ctx["token_b"])
    listed = {item.get("id") for item in listing.get("items", [])} if isinstance(listing, dict) else set()
    check("(a) both inboxes listed on B", status == 200 and {ctx["api_inbox"], ctx["chat_inbox"]} <= listed, f"{status} {listing}")
    status, config, _ = call(b.base, "GET", f"/api/v1/widget/{ctx['chat_inbox']}/config")
    check("(a) widget config of the web_chat inbox served by B", status == 200 and config.get("inbox_id") == ctx["chat_inbox"],
          f"{status} {config}")


def post_inbound(node, ctx, external_id, content, contact="cust-1", timeout=10):
    """(status, body); raises OSError when there is no HTTP answer at all."""
    return call(node.base, "POST", f"/api/v1/inboxes/{ctx['api_inbox']}/incoming",
                {"external_id": external_id, "content": content,
                 "contact": {"external_id": contact, "name": f"Customer {contact}"}},
                headers={"X-Inbox-Token": ctx["inbound_token"]}, timeout=timeout)[:2]


def part_b(pg, db, a, b, ctx, sockets):
    tag = secrets.token_hex(3)
    agent = Socket(f"{a.ws_base}/api/v1/realtime?token={ctx['token_a']}", "agent@A")
    sockets.append(agent)
    status, session, _ = call(b.base, "POST", f"/api/v1/widget/{ctx['chat_inbox']}/sessions", {"name": "Vera Visitor"})
    if not check("(b) visitor session created on B", status == 201 and session.get("visitor_token"), f"{status} {session}"):
        return
    visitor = Socket(f"{b.ws_base}/api/v1/widget/{ctx['chat_inbox']}/ws?visitor_token={session['visitor_token']}", "visitor@B")
    sockets.append(visitor)
    hello = visitor.wait_for(lambda f: f.get("type") == "hello", 10)
    check("(b) visitor socket on B says hello", hello is not None, f"frames {visitor.raw[:3]} closed={visitor.closed}")

    content = f"Hello from node B {tag}"
    sent = time.monotonic()
    visitor.send({"type": "message", "content": content, "client_id": f"c-{tag}"})
    ack = visitor.wait_for(lambda f: f.get("type") == "ack" and f.get("client_id") == f"c-{tag}", 10)
    if not check("(b) visitor message acked on B", ack is not None and ack[1].get("message_id"),
                 f"frames {visitor.raw[-5:]} closed={visitor.closed} log B: {b.log_tail(10)}"):
        return
    message_id, conversation = ack[1]["message_id"], ack[1]["conversation_id"]
    arrived = agent.wait_for(message_created({message_id}), 10)
    check("(b) the visitor's message (on B) reaches the agent socket on A",
          arrived is not None and arrived[1]["data"].get("content") == content,
          f"agent frames {agent.raw[-5:]} closed={agent.closed}")
    if arrived:
        info(f"visitor message on B -> agent socket on A: {ms(arrived[0] - sent)} after the visitor sent it")

    mark = visitor.mark()
    sent = time.monotonic()
    status, reply, _ = call(a.base, "POST", f"/api/v1/conversations/{conversation}/messages",
                            {"content": f"Reply from node A {tag}"}, token=ctx["token_a"])
    check("(b) agent reply posted to A", status == 201, f"{status} {reply}")
    got = visitor.wait_for(lambda f: f.get("type") == "message" and f.get("message", {}).get("id") == reply.get("id"), 10, mark)
    check("(b) the reply posted to A reaches the visitor socket on B",
          got is not None and got[1]["message"].get("content") == f"Reply from node A {tag}",
          f"visitor frames {visitor.raw[-5:]} closed={visitor.closed}")
    if got:
        info(f"reply posted to A -> visitor socket on B: {ms(got[0] - sent)}")

    note_text = f"PRIVATE note {tag}, never for the visitor"
    status, note, _ = call(a.base, "POST", f"/api/v1/conversations/{conversation}/messages",
                           {"content": note_text, "private": True}, token=ctx["token_a"])
    check("(b) private note posted to A", status == 201 and note.get("private") is True, f"{status} {note}")
    status, marker, _ = call(a.base, "POST", f"/api/v1/conversations/{conversation}/messages",
                             {"content": f"After the note {tag}"}, token=ctx["token_a"])
    got = visitor.wait_for(lambda f: f.get("type") == "message" and f.get("message", {}).get("id") == marker.get("id"), 10, mark)
    note_on_agent = agent.wait_for(message_created({note.get("id")}), 10)
    time.sleep(0.3)
    leaked = [raw for raw in visitor.raw if note_text in raw or (note.get("id") and note["id"] in raw)]
    check("(b) the private note never reaches the visitor on B (a later public reply does)",
          got is not None and not leaked, f"marker seen={got is not None} leaked={leaked}")
    check("(b) the private note reaches the agent socket on A", note_on_agent is not None, agent.raw[-5:])

    mark_agent = agent.mark()
    sent = time.monotonic()
    visitor.send({"type": "typing", "typing": True})
    typing = agent.wait_for(lambda f: f.get("type") == "typing" and f.get("data", {}).get("typing") is True
                            and f["data"].get("conversation_id") == conversation, 10, mark_agent)
    check("(b) visitor typing on B reaches the agent socket on A",
          typing is not None and typing[1]["data"].get("actor", {}).get("type") == "contact",
          f"agent frames {agent.raw[-5:]}")
    if typing:
        info(f"visitor typing on B -> agent socket on A: {ms(typing[0] - sent)}")

    mark = visitor.mark()
    sent = time.monotonic()
    agent.send({"type": "typing", "conversation_id": conversation, "typing": True})
    typing = visitor.wait_for(lambda f: f.get("type") == "typing" and f.get("typing") is True, 10, mark)
    check("(b) agent typing on A reaches the visitor socket on B", typing is not None, f"visitor frames {visitor.raw[-5:]}")
    if typing:
        info(f"agent typing on A -> visitor socket on B: {ms(typing[0] - sent)}")
    errors = [raw for raw in agent.raw + visitor.raw if '"error"' in raw]
    check("(b) no error frames on either socket", not errors, errors)
    agent.close()
    visitor.close()


def part_c(pg, db, a, b, ctx, sockets):
    tag = secrets.token_hex(3)
    on_a = Socket(f"{a.ws_base}/api/v1/realtime?token={ctx['token_a']}", "agent@A")
    on_b = Socket(f"{b.ws_base}/api/v1/realtime?token={ctx['token_b']}", "agent@B")
    sockets.extend([on_a, on_b])
    # A probe first: both sockets are live once it arrives on both.
    status, probe = post_inbound(a, ctx, f"probe-{tag}", "probe", contact=f"order-{tag}")
    seen = [s.wait_for(message_created({probe.get("message_id")}), 10) for s in (on_a, on_b)]
    check("(c) a probe posted to A reaches fresh agent sockets on A and B", status == 201 and all(seen),
          f"{status} {probe} seen={[x is not None for x in seen]}")

    posted = []
    for i in range(20):
        node = a if i % 2 == 0 else b
        status, body = post_inbound(node, ctx, f"order-{tag}-{i}", f"order message {i}", contact=f"order-{tag}")
        if status != 201:
            check(f"(c) inbound message {i} to node {node.name} answers 201", False, f"{status} {body}")
            return
        posted.append(body["message_id"])
    check("(c) 20 inbound messages posted alternately to A and B (201 each)", True)
    wanted = set(posted)
    seq = {}
    for s in (on_a, on_b):
        pairs = s.wait_all(message_created(wanted), 20, 15)
        seq[s.name] = frame_ids(pairs)
        check(f"(c) {s.name} received all 20 message.created frames", len(pairs) == 20,
              f"got {len(pairs)}; closed={s.closed}; last frames {s.raw[-3:]}")
    sa, sb = seq["agent@A"], seq["agent@B"]
    check("(c) identical (event id, message id) sequences on A and B", sa == sb, f"A={sa} B={sb}")
    ids = [event_id for event_id, _ in sa]
    check("(c) event ids strictly increasing", all(x < y for x, y in zip(ids, ids[1:])), ids)
    check("(c) frames in posting order", [m for _, m in sa] == posted, f"frames={[m for _, m in sa]} posted={posted}")
    if len(sa) != 20:
        return
    tenth = sa[9][0]
    replay = Socket(f"{b.ws_base}/api/v1/realtime?token={ctx['token_b']}&after={tenth}", "replay@B")
    sockets.append(replay)
    pairs = replay.wait_all(message_created(wanted), 10, 10)
    time.sleep(1.0)  # anything extra would arrive now
    got = frame_ids([p for p in replay.frames if p[1].get("type") == "message.created"])
    check("(c) reconnecting to B with after=<10th id> replays exactly the last 10", got == sa[10:],
          f"after={tenth} got={got} want={sa[10:]}")
    logged = [int(f["id"]) for _, f in replay.frames if f.get("type") not in ("typing", "presence") and "id" in f]
    check("(c) the replay holds no event at or before the 10th id", all(x > tenth for x in logged), logged)
    for s in (on_a, on_b, replay):
        s.close()


def part_d(pg, db, a, b, ctx, nodes):
    tag = secrets.token_hex(3)
    ids = [f"burst-{tag}-{i:04d}" for i in range(BURST)]
    answers = {}
    lock = threading.Lock()
    acked = [0]
    half = threading.Event()
    state = {"killed_after": None, "killed_at": None}

    def post(external_id):
        started = time.monotonic()
        try:
            status, body = post_inbound(a, ctx, external_id, f"burst {external_id}", contact=f"burst-{tag}-{hash(external_id) % 20}",
                                        timeout=10)
        except Exception as error:  # noqa: BLE001 - a lost connection is an answer too
            status, body = None, repr(error)
        with lock:
            answers[external_id] = (status, body, time.monotonic() - started)
            if status in (200, 201):
                acked[0] += 1
                if acked[0] >= BURST // 2:
                    half.set()

    def killer():
        half.wait(timeout=120)
        with lock:
            state["killed_after"] = acked[0]
        state["killed_at"] = time.monotonic()
        a.kill9()

    kill_thread = threading.Thread(target=killer, daemon=True)
    kill_thread.start()
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        list(pool.map(post, ids, timeout=300))
    half.set()
    kill_thread.join(timeout=30)
    elapsed = time.monotonic() - started
    acked_ids = {x: body.get("message_id") for x, (status, body, _) in answers.items() if status in (200, 201)}
    redelivered_in_burst = [x for x, (status, _, _) in answers.items() if status == 200]
    error_answers = {x: (status, body) for x, (status, body, _) in answers.items() if status is not None and status not in (200, 201)}
    lost = [x for x, (status, _, _) in answers.items() if status is None]
    info(f"burst: {BURST} posts over {CONCURRENCY} connections in {elapsed:.1f} s; node A killed (SIGKILL) after "
         f"{state['killed_after']} acks; {len(acked_ids)} acknowledged, {len(lost)} without an answer, "
         f"{len(error_answers)} error answers")
    check("(d) kill -9 landed in the middle of the burst", 0 < len(acked_ids) < BURST and lost,
          f"acked {len(acked_ids)} of {BURST}, unanswered {len(lost)}")
    check("(d) no error answers (4xx/5xx) before the kill", not error_answers, list(error_answers.items())[:5])
    check("(d) no 200 (duplicate) answers inside the burst of distinct external_ids", not redelivered_in_burst,
          redelivered_in_burst[:5])
    status, _ = try_call(b.base, "GET", "/healthz")
    check("(d) node B healthy while A is dead", status == 200, status)

    restarted = Node("A", a.binary, a.database_url, a.data_dir, port=a.port)
    restarted.output = a.output
    restarted.start()
    nodes.append(restarted)
    problem = restarted.wait_healthy(60)
    if not check("(d) node A restarts on the same database", problem is None, problem):
        return restarted

    second = {}

    def repost(external_id):
        for attempt in range(3):
            try:
                status, body = post_inbound(restarted, ctx, external_id, f"burst {external_id}",
                                            contact=f"burst-{tag}-{hash(external_id) % 20}", timeout=10)
            except Exception as error:  # noqa: BLE001
                status, body = None, repr(error)
            if status is not None:
                break
            time.sleep(0.5)
        with lock:
            second[external_id] = (status, body)

    with concurrent.futures.ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        list(pool.map(repost, ids, timeout=300))
    not_200 = {x: second[x] for x in acked_ids if second[x][0] != 200}
    check(f"(d) each of the {len(acked_ids)} acknowledged messages answers 200 to the redelivery", not not_200,
          f"{len(not_200)} did not, e.g. {list(not_200.items())[:5]}")
    changed = {x: (acked_ids[x], second[x][1].get("message_id") if isinstance(second[x][1], dict) else second[x][1])
               for x in acked_ids if second[x][0] == 200 and isinstance(second[x][1], dict)
               and second[x][1].get("message_id") != acked_ids[x]}
    check("(d) the redelivery answers carry the originally acknowledged message ids", not changed, list(changed.items())[:5])
    others = [x for x in ids if x not in acked_ids]
    bad = {x: second[x] for x in others if second[x][0] not in (200, 201)}
    committed_unanswered = sum(1 for x in others if second[x][0] == 200)
    check("(d) every unacknowledged message is accepted on redelivery (200 or 201)", not bad, list(bad.items())[:5])
    info(f"redelivery: {len(others)} unacknowledged before the kill, {committed_unanswered} of them had been committed "
         f"(200), {len(others) - committed_unanswered - len(bad)} new (201)")

    duplicates = pg.psql("SELECT inbox_id, external_id, count(*) FROM messages WHERE external_id IS NOT NULL "
                         "GROUP BY 1, 2 HAVING count(*) > 1 LIMIT 20", db)
    check("(d) no external_id stored twice (psql GROUP BY inbox_id, external_id HAVING count(*) > 1)", not duplicates, duplicates)
    rows = pg.psql(f"SELECT external_id, id FROM messages WHERE external_id LIKE 'burst-{tag}-%'", db)
    stored = dict((row[0], row[1]) for row in rows)
    check(f"(d) all {BURST} burst messages stored, exactly once", len(rows) == BURST and set(stored) == set(ids),
          f"{len(rows)} rows, {len(set(stored))} distinct")
    missing = {x: m for x, m in acked_ids.items() if stored.get(x) != m}
    check("(d) every acknowledged (external_id, message id) is in the database", not missing, list(missing.items())[:5])
    return restarted


def collect(node, token, socket_, wanted, timeout, sockets, name):
    """Wait until every message id in wanted arrived on socket_, reconnecting with after=<last id> if it
    closes. Returns (arrived pairs in order, number of reconnects, seconds, last socket)."""
    deadline = time.monotonic() + timeout
    started = time.monotonic()
    reconnects = 0
    arrived = {}
    order = []
    current = socket_
    while time.monotonic() < deadline:
        remaining = deadline - time.monotonic()
        missing = wanted - set(arrived)
        pairs = current.wait_all(message_created(missing), len(missing), remaining)
        for _, frame in pairs:
            if frame["data"]["id"] not in arrived:
                arrived[frame["data"]["id"]] = int(frame["id"])
                order.append((int(frame["id"]), frame["data"]["id"]))
        if set(arrived) >= wanted:
            break
        if current.closed:
            ids = [int(f["id"]) for _, f in current.frames if "id" in f and f.get("type") != "error"]
            last = max(ids) if ids else None
            try:
                url = f"{node.ws_base}/api/v1/realtime?token={token}" + (f"&after={last}" if last is not None else "")
                current = Socket(url, name)
                sockets.append(current)
                reconnects += 1
            except Exception:  # noqa: BLE001 - the node may still be reconnecting to the database
                time.sleep(0.5)
    return order, reconnects, time.monotonic() - started, current


def part_e(pg, db, a, b, ctx, sockets):
    tag = secrets.token_hex(3)
    on_b = Socket(f"{b.ws_base}/api/v1/realtime?token={ctx['token_b']}", "agent@B(e)")
    sockets.append(on_b)
    status, probe = post_inbound(a, ctx, f"e-probe-{tag}", "probe", contact=f"e-{tag}")
    ok = check("(e) agent socket on B live (probe posted to A arrives)",
               status == 201 and on_b.wait_for(message_created({probe.get("message_id")}), 10) is not None,
               f"{status} {probe} frames={on_b.raw[-3:]}")
    if not ok:
        return

    # 1. Only node B's backends, found by the client ports of B's own connections to PostgreSQL.
    ports = b.socket_local_ports(pg.port)
    rows = pg.psql("SELECT pid, client_port, state FROM pg_stat_activity WHERE datname = current_database() "
                   "AND pid <> pg_backend_pid()", db)
    b_pids = [row[0] for row in rows if row[1] and int(row[1]) in ports]
    info(f"node B holds {len(ports)} connection(s) to PostgreSQL; {len(b_pids)} of the {len(rows)} backends on the database are B's")
    check("(e) node B's backends found in pg_stat_activity", b_pids, f"ports={ports} rows={rows}")
    current = on_b
    if b_pids:
        terminated = pg.psql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid IN ({','.join(b_pids)})", db)
        info(f"terminated node B's backends: {len(terminated)}")
        posted = []
        for i in range(5):
            status, body = post_inbound(a, ctx, f"e1-{tag}-{i}", f"after B lost its connections {i}", contact=f"e-{tag}")
            check(f"(e) post {i} to A after B's backends were terminated", status == 201, f"{status} {body}")
            if status == 201:
                posted.append(body["message_id"])
        order, reconnects, seconds, current = collect(b, ctx["token_b"], current, set(posted), 15, sockets, "agent@B(e)")
        check("(e) B's agent socket (or a reconnect with after=) gets every message posted to A after B lost its "
              "database connections", len(order) == len(posted) and posted,
              f"got {len(order)} of {len(posted)} in {seconds:.1f} s, reconnects {reconnects}; log B: {b.log_tail(15)}")
        info(f"B's socket after losing its backends: {len(order)}/{len(posted)} in {seconds:.2f} s, reconnects {reconnects}")
        check("(e) ... in order", [m for _, m in sorted(order)] == posted, order)
        recover_rest(b, ctx, "(e) B serves REST again after losing its backends")

    # 2. The literal recipe: every backend on the database (both nodes) terminated.
    terminated = pg.psql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{db}' "
                         "AND pid <> pg_backend_pid()", db)
    info(f"terminated every backend on {db}: {len(terminated)}")
    posted, failures = [], []
    for i in range(5):
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            status, body = try_call(a.base, "POST", f"/api/v1/inboxes/{ctx['api_inbox']}/incoming",
                                    {"external_id": f"e2-{tag}-{i}", "content": f"after every backend was terminated {i}",
                                     "contact": {"external_id": f"e-{tag}", "name": "E"}},
                                    headers={"X-Inbox-Token": ctx["inbound_token"]})
            if status in (200, 201):
                posted.append(body["message_id"])
                break
            failures.append((i, status, body))
            time.sleep(0.5)
    check("(e) A accepts posts again after every backend was terminated (redelivering within 15 s)", len(posted) == 5,
          f"accepted {len(posted)}; failures {failures[:5]}; log A: {a.log_tail(10)}")
    if failures:
        info(f"note: A answered {len(failures)} post(s) with an error before recovering (redelivered), first: {failures[0]}")
    order, reconnects, seconds, current = collect(b, ctx["token_b"], current, set(posted), 15, sockets, "agent@B(e)")
    check("(e) B's agent socket (or a reconnect with after=) gets them too", len(order) == len(posted) and posted,
          f"got {len(order)} of {len(posted)} in {seconds:.1f} s, reconnects {reconnects}; log B: {b.log_tail(15)}")
    info(f"B's socket after every backend was terminated: {len(order)}/{len(posted)} in {seconds:.2f} s, reconnects {reconnects}")
    recover_rest(b, ctx, "(e) B serves REST again after every backend was terminated")
    ids = [int(f["id"]) for s in sockets if s.name == "agent@B(e)" for _, f in s.frames
           if f.get("type") == "message.created"]
    check("(e) B's socket(s) never repeated or reordered an event", ids == sorted(set(ids)), ids)


def recover_rest(node, ctx, name):
    deadline = time.monotonic() + 10
    failures = []
    while time.monotonic() < deadline:
        status, body = try_call(node.base, "GET", "/api/v1/conversations?limit=1", token=ctx["token_b"])
        if status == 200:
            break
        failures.append((status, str(body)[:200]))
        time.sleep(0.2)
    check(name, status == 200, f"{status} {body}")
    if failures:
        info(f"{len(failures)} failed request(s) first: {failures[0]}")


def main():
    url = os.environ.get("SWITCHBOARD_TEST_POSTGRES_URL")
    if not url:
        print("SKIP multinode: SWITCHBOARD_TEST_POSTGRES_URL is not set (a PostgreSQL URL whose user may CREATE DATABASE)")
        return summary()
    try:
        import websockets.sync.client  # noqa: F401
    except ImportError:
        check("python package websockets (pip install websockets) is installed", False)
        return summary()
    pg = Postgres(url)
    work = tempfile.mkdtemp(prefix="switchboard-multinode-")
    db = f"switchboard_e2e_{secrets.token_hex(4)}"
    nodes, sockets = [], []
    created = False
    started = time.monotonic()
    try:
        binary = snapshot_binary(BINARY, work)  # the build may relink the original while this runs
        pg.psql(f"CREATE DATABASE {db}")
        created = True
        print(f"     database {db} on {pg.parts.hostname}:{pg.port}; binary {BINARY}", flush=True)
        db_url = pg.url_for(db)
        a = Node("A", binary, db_url, os.path.join(work, "a"))
        b = Node("B", binary, db_url, os.path.join(work, "b"))
        nodes += [a, b]
        a.start()
        b.start()  # at the same time: both migrate the same empty database and create the admin
        problems = [a.wait_healthy(90), b.wait_healthy(90)]
        check("two nodes started at the same time on one empty database are healthy", not any(problems),
              "; ".join(p for p in problems if p))
        if any(problems):
            return finish(pg, db, created, nodes, sockets, work)
        ctx = {}
        part_a(pg, db, a, b, ctx)
        for name, part in (("b", part_b), ("c", part_c)):
            try:
                part(pg, db, a, b, ctx, sockets)
            except Exception as error:  # noqa: BLE001 - report, go on with the next part
                check(f"({name}) no unexpected exception", False, repr(error))
        try:
            a = part_d(pg, db, a, b, ctx, nodes) or a
        except Exception as error:  # noqa: BLE001
            check("(d) no unexpected exception", False, repr(error))
        if a.process.poll() is None:
            try:
                part_e(pg, db, a, b, ctx, sockets)
            except Exception as error:  # noqa: BLE001
                check("(e) no unexpected exception", False, repr(error))
        else:
            check("(e) node A running for the connection-loss checks", False, a.log_tail())
        for node in (a, b):
            check(f"node {node.name} still running at the end", node.process.poll() is None, node.log_tail())
    except Exception as error:  # noqa: BLE001 - report and count, never hang
        check("no unexpected exception", False, repr(error))
    info(f"{time.monotonic() - started:.0f} s")
    return finish(pg, db, created, nodes, sockets, work)


def finish(pg, db, created, nodes, sockets, work):
    for s in sockets:
        s.close()
    for node in nodes:
        node.stop()
    if results["failed"]:
        seen = set()
        for node in nodes:
            if id(node.output) in seen:
                continue
            seen.add(id(node.output))
            print(f"--- node {node.name} output (last 30 lines)\n{node.log_tail(30)}")
    keep = os.environ.get("MULTINODE_KEEP") == "1"
    if created and not keep:
        for _ in range(5):
            try:
                pg.psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
                break
            except Exception as error:  # noqa: BLE001
                print(f"     drop database: {error}")
                time.sleep(1)
    if keep:
        print(f"     kept database {db} and {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
