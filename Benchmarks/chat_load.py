#!/usr/bin/env python3
"""Load generator for live web chat (driven by Benchmarks/chat.sh; usable on its own).

  chat_load.py run    --base http://127.0.0.1:PORT --server-pid PID --email E --password P --out DIR [...]
  chat_load.py report --out DIR --db DATA/switchboard.sqlite [--stop-status TEXT] [--commit TEXT]

`run` drives a running server and writes DIR/results.json plus the acknowledged message ids
(DIR/acked-*.txt, DIR/replied-*.txt). `report` is meant to run after the server has stopped: it opens
the SQLite database read-only, checks that every acknowledged message is stored, and prints the
markdown results block.

What `run` does, in order (every step bounded in time and count; everything targets the --base host):
 1. logs in as the admin, creates a web_chat inbox, opens the agent realtime socket (in this process);
 2. starts WORKERS processes, each owning a slice of the chats; each creates its visitor sessions
    (POST .../sessions, bounded concurrency);
 3. reads the server's VmRSS, has the workers open every visitor WebSocket (each waits for `hello`),
    waits IDLE_SETTLE seconds with every socket idle, reads VmRSS again -> memory per idle connection;
 4. warm-up: every chat sends one first message, which creates its conversation (reported separately);
 5. one measured step per --rate value (e.g. "500 1000 2000", on the same sockets, ascending; the sweep
    stops at the first step the server cannot keep up with). Open loop: send times are fixed in advance
    (RATE/s in total, round-robin over the chats; agent replies through
    POST /api/v1/conversations/{id}/messages at REPLY_RATE/s, round-robin over the conversations) and
    every latency runs from the scheduled send time, so a server (or client) that falls behind shows up
    as latency instead of being hidden (no coordinated omission). Visitor -> ack: the visitor's `ack`
    frame. Visitor -> agent: the agent socket's `message.created` frame with that content. Agent ->
    visitor: the visitor socket's `message` frame with the reply. Origin times travel inside the content
    (CLOCK_MONOTONIC, shared by all processes on the box). After each step the workers wait up to DRAIN
    seconds for outstanding acks and deliveries; samples are merged raw (exact percentiles).
    The generator shares the machine with the server, so each step reports the CPU of the server, of the
    generator's own processes and of everything else; a step during which other processes used more than
    --retry-other-pct of a core is run again (--retries) and the discarded attempt is listed.

Visitor clients (--client): `raw` is this file's lean RFC 6455 client on asyncio; `websockets` is the library
(a cross-check); `native` hands each worker's visitor sockets to a compiled engine (Benchmarks/chat_engine.c,
one child process per worker, --engine PATH or compiled here with gcc). The Python visitor path costs
0.1-0.25 ms of CPU per message on the cores the server needs, and its event loop adds milliseconds; the
engine does the hot path (opening the sockets, the open-loop sends, parsing frames, latencies) in a
single-threaded epoll loop for about a third to a half of that (nearly all of it the kernel's loopback TCP
work, which any client pays), with the same semantics, error kinds and counters. It also sends the agent
replies' POSTs on keep-alive connections: through aiohttp they cost ~0.6 ms of CPU each (a fifth of a core at
350 replies/s) and added its event loop's delay to the reply figures. The worker keeps the rest: sessions,
talking to the parent; it drives the engine with one JSON command per line on the engine's stdin and reads
one JSON line per command from its stdout (big arrays come through files in --out). The engine's CPU is
part of the client's CPU and listed as "engine" per worker. The agent socket stays in the parent process on
the raw client with every --client but websockets.
"""

import argparse
import asyncio
import gc
import json
import math
import multiprocessing
import os
import random
import resource
import shutil
import string
import subprocess
import sys
import time
from array import array

try:
    import uvloop  # optional; noticeably less CPU per frame
except ImportError:  # pragma: no cover
    uvloop = None

mono = time.monotonic_ns  # CLOCK_MONOTONIC: comparable across the processes of this machine

# --------------------------------------------------------------------------------------------------
# small helpers


def log(*parts):
    print("[chat_load %s]" % time.strftime("%H:%M:%S"), *parts, file=sys.stderr, flush=True)


def pct(sorted_values, p):
    if not sorted_values:
        return None
    k = max(0, min(len(sorted_values) - 1, math.ceil(p / 100.0 * len(sorted_values)) - 1))
    return sorted_values[k]


def summary(values):
    v = sorted(values)
    return {"count": len(v), "p50": pct(v, 50), "p90": pct(v, 90), "p99": pct(v, 99), "p999": pct(v, 99.9),
            "max": v[-1] if v else None}


def vm_rss_kib(pid):
    fields = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(("VmRSS:", "RssAnon:", "RssFile:", "VmHWM:", "Threads:")):
                key, value = line.split(":", 1)
                fields[key] = int(value.split()[0])
    return fields


def proc_cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return int(parts[11]) + int(parts[12])  # utime + stime (fields 14, 15)


def machine_busy_ticks():
    with open("/proc/stat") as f:
        parts = f.readline().split()
    user, nice, system, idle, iowait, irq, softirq = (int(x) for x in parts[1:8])
    return user + nice + system + irq + softirq


def cpu_by_process():
    """utime + stime ticks of every process (name, ticks), to see what shares the cores during the run."""
    out = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                raw = f.read()
        except OSError:
            continue
        name = raw[raw.index("(") + 1:raw.rindex(")")]
        parts = raw.rsplit(")", 1)[1].split()
        out[int(entry)] = (name, int(parts[11]) + int(parts[12]))
    return out


async def top_snapshot(seconds=2.0):
    """The busiest processes over a short window, as 'name pid: NN%' of one core, plus kernel softirq time."""
    with open("/proc/stat") as f:
        softirq0 = int(f.readline().split()[7])
    a = cpu_by_process()
    await asyncio.sleep(seconds)
    b = cpu_by_process()
    with open("/proc/stat") as f:
        softirq1 = int(f.readline().split()[7])
    ticks = os.sysconf("SC_CLK_TCK")
    # Processes started inside the window count with all their CPU time; ones that also ended are missed
    # (compiler jobs, for instance): the step's "other" figure still includes them. Matched by pid only:
    # kernel workers change their name with the work they do.
    rows = sorted(((b[pid][1] - a.get(pid, (None, 0))[1], b[pid][0], pid) for pid in b), reverse=True)
    top = ["%s %d: %.0f%%" % (name, pid, 100 * d / ticks / seconds) for d, name, pid in rows[:6] if d > 0]
    top.append("softirq: %.0f%%" % (100 * (softirq1 - softirq0) / ticks / seconds))
    return ", ".join(top)


def own_cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class Errors:
    """Counts by kind, keeps the first few examples of each verbatim (for the report)."""

    def __init__(self):
        self.counts = {}
        self.examples = {}

    def add(self, kind, example=None):
        self.counts[kind] = self.counts.get(kind, 0) + 1
        if example is not None:
            ex = self.examples.setdefault(kind, [])
            if len(ex) < 3:
                ex.append(str(example)[:500])

    def merge(self, other):
        for k, n in other["counts"].items():
            self.counts[k] = self.counts.get(k, 0) + n
        for k, ex in other["examples"].items():
            mine = self.examples.setdefault(k, [])
            mine.extend(ex[: max(0, 3 - len(mine))])

    def dump(self):
        return {"counts": self.counts, "examples": self.examples}


def pipe_recv(conn, timeout):
    if not conn.poll(timeout):
        raise TimeoutError("no answer within %.0f s" % timeout)
    return conn.recv()


def ws_connect_args(compression):
    # proxy=None: never route through a proxy from the environment; ping_interval=None: idle sockets stay
    # idle (the server's pings are still answered).
    return dict(compression="deflate" if compression == "browser" else None, proxy=None, open_timeout=30,
                ping_interval=None, close_timeout=2, max_size=1 << 22, max_queue=None)


class UpgradeRefused(Exception):
    def __init__(self, status, body):
        super().__init__("HTTP %d %s" % (status, body))
        self.status = status
        self.body = body


class RawWS(asyncio.Protocol):
    """A minimal RFC 6455 client on an asyncio Protocol: frames are parsed in data_received and handed to a
    plain callback, sends are a synchronous transport.write. No extensions are offered (this server
    negotiates none, so a browser gets the same thing). Far less CPU per frame than a full library, which
    matters because the generator shares the 2 cores with the server."""

    GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    def __init__(self, host, port, path):
        import base64
        self.key = base64.b64encode(os.urandom(16))
        self.request = ("GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\nOrigin: http://127.0.0.1\r\n\r\n"
                        % (path, host, port, self.key.decode())).encode()
        loop = asyncio.get_running_loop()
        self.handshake = loop.create_future()
        self.first = loop.create_future()
        self.buf = bytearray()
        self.frag = None
        self.on_text = None
        self.on_close = None
        self.transport = None
        self.closed = False
        self.close_code = None
        self.close_reason = ""
        self.extensions = "none"

    @classmethod
    async def open(cls, base, path, timeout):
        host, port = base.split("//", 1)[1].rsplit(":", 1)
        loop = asyncio.get_running_loop()
        ws = cls(host, int(port), path)
        await asyncio.wait_for(loop.create_connection(lambda: ws, host, int(port)), timeout)
        try:
            await asyncio.wait_for(ws.handshake, timeout)
        except BaseException:
            ws.abort()
            raise
        return ws

    # protocol callbacks
    def connection_made(self, transport):
        self.transport = transport
        transport.write(self.request)

    def connection_lost(self, exc):
        self.closed = True
        if not self.handshake.done():
            self.handshake.set_exception(ConnectionError("closed during the handshake: %r" % (exc,)))
        if not self.first.done():
            self.first.set_exception(ConnectionError("closed before the first frame: %r" % (exc,)))
            self.first.exception()  # mark retrieved: nobody may be waiting any more
        if self.on_close is not None:
            self.on_close(self)

    def data_received(self, data):
        self.buf += data
        if not self.handshake.done():
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buf[:end]).decode("latin-1").split("\r\n")
            status = int(head[0].split(" ", 2)[1])
            headers = {}
            for line in head[1:]:
                k, _, v = line.partition(":")
                headers[k.strip().lower()] = v.strip()
            if status != 101:
                length = int(headers.get("content-length", "0") or 0)
                if len(self.buf) < end + 4 + length and "content-length" in headers:
                    return
                body = bytes(self.buf[end + 4:end + 4 + length]).decode(errors="replace")
                self.handshake.set_exception(UpgradeRefused(status, body))
                self.transport.close()
                return
            import base64
            import hashlib
            expect = base64.b64encode(hashlib.sha1(self.key + self.GUID).digest()).decode()
            if headers.get("sec-websocket-accept") != expect:
                self.handshake.set_exception(UpgradeRefused(status, "bad Sec-WebSocket-Accept"))
                self.transport.close()
                return
            self.extensions = headers.get("sec-websocket-extensions") or "none"
            del self.buf[:end + 4]
            self.handshake.set_result(True)
        self.parse()

    def parse(self):
        buf = self.buf
        n = len(buf)
        pos = 0
        while n - pos >= 2:
            b0 = buf[pos]
            b1 = buf[pos + 1]
            length = b1 & 0x7F
            hl = 2
            if length == 126:
                if n - pos < 4:
                    break
                length = int.from_bytes(buf[pos + 2:pos + 4], "big")
                hl = 4
            elif length == 127:
                if n - pos < 10:
                    break
                length = int.from_bytes(buf[pos + 2:pos + 10], "big")
                hl = 10
            mask = None
            if b1 & 0x80:  # servers must not mask; tolerated anyway
                if n - pos < hl + 4:
                    break
                mask = bytes(buf[pos + hl:pos + hl + 4])
                hl += 4
            if n - pos < hl + length:
                break
            payload = buf[pos + hl:pos + hl + length]
            pos += hl + length
            if mask:
                payload = self.xor(bytes(payload), mask)
            op = b0 & 0x0F
            if op == 1 or op == 2:
                if b0 & 0x80:
                    self.deliver(payload)
                else:
                    self.frag = [bytes(payload)]
            elif op == 0:
                if self.frag is not None:
                    self.frag.append(bytes(payload))
                    if b0 & 0x80:
                        whole, self.frag = b"".join(self.frag), None
                        self.deliver(whole)
            elif op == 9:
                self.send_frame(0xA, bytes(payload))
            elif op == 8:
                if len(payload) >= 2:
                    self.close_code = int.from_bytes(payload[:2], "big")
                    self.close_reason = bytes(payload[2:]).decode(errors="replace")
                if not self.closed:
                    self.send_frame(0x8, bytes(payload[:2]))
                    self.closed = True
                    self.transport.close()
                pos = n
                break
        del buf[:pos]

    def deliver(self, payload):
        text = payload.decode()
        if self.on_text is not None:
            self.on_text(text)
        elif not self.first.done():
            self.first.set_result(text)

    @staticmethod
    def xor(payload, key):
        n = len(payload)
        if not n:
            return payload
        return (int.from_bytes(payload, "little") ^ int.from_bytes((key * ((n >> 2) + 1))[:n], "little")).to_bytes(n, "little")

    def send_frame(self, op, payload):
        if self.transport is None or self.transport.is_closing():
            raise ConnectionError("socket closed")
        n = len(payload)
        if n < 126:
            head = bytes((0x80 | op, 0x80 | n))
        elif n < 65536:
            head = bytes((0x80 | op, 0xFE)) + n.to_bytes(2, "big")
        else:
            head = bytes((0x80 | op, 0xFF)) + n.to_bytes(8, "big")
        key = os.urandom(4)
        self.transport.write(head + key + self.xor(payload, key))

    # the interface the workers use (shared with LibWS)
    async def first_frame(self, timeout):
        return await asyncio.wait_for(self.first, timeout)

    def start(self, on_text, on_close):
        self.on_text = on_text
        self.on_close = on_close
        if self.closed:
            on_close(self)

    def send_text(self, text):
        self.send_frame(0x1, text.encode())

    def write_buffer(self):
        return self.transport.get_write_buffer_size() if self.transport else 0

    def abort(self):
        if self.transport is not None:
            self.transport.abort()

    async def close(self):
        if not self.closed and self.transport is not None and not self.transport.is_closing():
            try:
                self.send_frame(0x8, (1000).to_bytes(2, "big"))
            except ConnectionError:
                pass
            self.closed = True
            self.transport.close()


class LibWS:
    """The same interface on the `websockets` library (--client websockets): a cross-check for RawWS."""

    def __init__(self, ws, compression):
        self.ws = ws
        self.on_close = None
        self.closed = False
        self.extensions = ws.response.headers.get("Sec-WebSocket-Extensions", "") or "none"
        self.tasks = set()

    @classmethod
    async def open(cls, base, path, timeout, compression="none"):
        from websockets.asyncio.client import connect
        from websockets.exceptions import InvalidStatus
        try:
            ws = await connect(base.replace("http://", "ws://", 1) + path, **ws_connect_args(compression))
        except InvalidStatus as e:
            raise UpgradeRefused(e.response.status_code, (e.response.body or b"").decode(errors="replace"))
        return cls(ws, compression)

    @property
    def close_code(self):
        return self.ws.close_code

    @property
    def close_reason(self):
        return self.ws.close_reason

    async def first_frame(self, timeout):
        return await asyncio.wait_for(self.ws.recv(), timeout)

    def start(self, on_text, on_close):
        self.on_close = on_close
        t = asyncio.get_running_loop().create_task(self.pump(on_text))
        self.tasks.add(t)

    async def pump(self, on_text):
        try:
            async for raw in self.ws:
                on_text(raw)
        except Exception:  # noqa: BLE001
            pass
        self.closed = True
        self.on_close(self)

    def send_text(self, text):
        t = asyncio.get_running_loop().create_task(self.ws.send(text))
        self.tasks.add(t)
        t.add_done_callback(self.tasks.discard)

    def write_buffer(self):
        return 0

    def abort(self):
        self.ws.transport.abort()

    async def close(self):
        for t in list(self.tasks):
            t.cancel()
        await self.ws.close()


async def ws_open(cfg, path, timeout):
    if cfg["client"] in ("raw", "native"):  # native: the engine holds the visitor sockets, not this one
        return await RawWS.open(cfg["base"], path, timeout)
    return await LibWS.open(cfg["base"], path, timeout, cfg["compression"])


# --------------------------------------------------------------------------------------------------
# message keys. Every message carries "bench TAG KEY ORIGIN_NS" as its content; KEY is
# <kind><step>.<worker>.<seq>: kind w = warm-up (first message of a chat), m = measured visitor message,
# r = agent reply. ORIGIN_NS is the time its latency is measured from.


def key_kind_step(key):
    return key[0], int(key[1:key.index(".")])


# --------------------------------------------------------------------------------------------------
# worker process: a slice of the visitors


class Chat:
    __slots__ = ("token", "ws", "conversation_id")

    def __init__(self, token):
        self.token = token
        self.ws = None
        self.conversation_id = None


class Worker:
    LAT_KEYS = ("ack", "reply_http", "a2v", "send_lag", "reply_lag")
    # The agent replies' POSTs are sent by visitor_load's engine (NativeWorker), not by run() through aiohttp.
    REPLIES_IN_ENGINE = False

    def __init__(self, cfg, index, conn):
        self.cfg = cfg
        self.index = index
        self.conn = conn
        self.chats = []
        self.pending = {}           # key -> latency origin (ns), until acked or refused
        self.reply_pending = {}     # reply key -> origin, once its POST answered 201, until the visitor sees it
        self.reply_seen = set()
        self.acked_ids = []         # every acknowledged message id (warm-up and all steps): durability check
        self.reply_ids = []
        self.extensions = ""
        self.setup_lat = {"open": array("d"), "warm_ack": array("d")}
        self.phase = "setup"
        self.step = 0
        self.tasks = set()
        self.new_step()

    def new_step(self):
        self.errors = Errors()
        self.lat = {k: array("d") for k in self.LAT_KEYS}
        self.acked_keys = []
        self.counts = {"sent": 0, "acked": 0, "echo_in": 0, "dup_ack": 0, "late_ack": 0, "max_write_buffer": 0,
                       "replies_sent": 0, "replies_201": 0, "a2v_delivered": 0, "a2v_dup": 0, "late_a2v": 0,
                       "closed_during_run": 0, "unexpected_frames": 0}

    # -- plumbing --
    async def ask_parent(self, timeout):
        return await asyncio.to_thread(pipe_recv, self.conn, timeout)

    def tell_parent(self, msg):
        self.conn.send(msg)

    def spawn(self, coro):
        t = asyncio.get_running_loop().create_task(coro)
        self.tasks.add(t)
        t.add_done_callback(self.tasks.discard)
        return t

    # -- setup --
    async def create_sessions(self, http, count):
        sem = asyncio.Semaphore(self.cfg["session_concurrency"])
        url = "%s/api/v1/widget/%s/sessions" % (self.cfg["base"], self.cfg["inbox_id"])

        async def one(i):
            async with sem:
                try:
                    async with http.post(url, json={"name": "Bench visitor %d.%d" % (self.index, i)}) as r:
                        body = await r.text()
                        if r.status != 201:
                            self.errors.add("session_http_%d" % r.status, "POST %s {...} -> %d %s" % (url, r.status, body))
                            return
                        self.chats.append(Chat(json.loads(body)["visitor_token"]))
                except Exception as e:  # noqa: BLE001 - counted and reported
                    self.errors.add("session_exception", repr(e))

        await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(count))), self.cfg["phase_timeout"])

    async def open_sockets(self):
        sem = asyncio.Semaphore(self.cfg["open_concurrency"])
        opened = []

        async def one(chat):
            async with sem:
                path = "/api/v1/widget/%s/ws?visitor_token=%s" % (self.cfg["inbox_id"], chat.token)
                start = mono()
                try:
                    ws = await ws_open(self.cfg, path, 30)
                except UpgradeRefused as e:
                    self.errors.add("ws_upgrade_%d" % e.status, "GET .../ws -> %d %s" % (e.status, e.body))
                    return
                except Exception as e:  # noqa: BLE001
                    self.errors.add("ws_connect_exception", repr(e))
                    return
                try:
                    first = json.loads(await ws.first_frame(15))
                except Exception as e:  # noqa: BLE001
                    self.errors.add("ws_no_hello", repr(e))
                    ws.abort()
                    return
                if first.get("type") != "hello":
                    self.errors.add("ws_first_frame_not_hello", json.dumps(first))
                    ws.abort()
                    return
                self.setup_lat["open"].append((mono() - start) / 1e6)
                if not self.extensions:
                    self.extensions = ws.extensions
                chat.ws = ws
                chat.conversation_id = first.get("conversation_id")
                ws.start(lambda raw, chat=chat: self.on_frame(chat, raw), lambda ws, chat=chat: self.on_close(chat))
                opened.append(chat)

        try:
            await asyncio.wait_for(asyncio.gather(*(one(c) for c in self.chats)), self.cfg["phase_timeout"])
        except asyncio.TimeoutError:
            self.errors.add("open_phase_timeout", "not every socket opened within %ds" % self.cfg["phase_timeout"])
        self.chats = opened

    # -- frames --
    def on_close(self, chat):
        if self.phase in ("warmup", "run"):
            self.counts["closed_during_run"] += 1
            self.errors.add("ws_closed_by_server", "close code %s reason %r" % (chat.ws.close_code, chat.ws.close_reason))

    def on_frame(self, chat, raw):
        now = mono()
        try:
            frame = json.loads(raw)
            kind = frame.get("type")
        except Exception:  # noqa: BLE001
            self.errors.add("visitor_bad_frame", raw)
            return
        counts = self.counts
        if kind == "ack":
            key = frame.get("client_id")
            origin = self.pending.pop(key, None)
            if origin is None:
                counts["dup_ack"] += 1
                return
            self.acked_ids.append(frame.get("message_id"))
            if frame.get("conversation_id"):
                chat.conversation_id = frame["conversation_id"]
            k, step = key_kind_step(key)
            if k == "w":
                self.setup_lat["warm_ack"].append((now - origin) / 1e6)
            elif step == self.step:
                self.lat["ack"].append((now - origin) / 1e6)
                counts["acked"] += 1
                self.acked_keys.append(key)
            else:
                counts["late_ack"] += 1  # a message of an earlier step, acknowledged after that step's drain
        elif kind == "message":
            m = frame.get("message") or {}
            if m.get("direction") != "out":
                counts["echo_in"] += 1
                return
            parts = (m.get("content") or "").split(" ")
            if len(parts) != 4 or parts[0] != "bench" or parts[1] != self.cfg["tag"] or parts[2][:1] != "r":
                return
            key = parts[2]
            if key in self.reply_seen:
                counts["a2v_dup"] += 1
                return
            self.reply_seen.add(key)
            self.reply_pending.pop(key, None)
            if key_kind_step(key)[1] == self.step:
                self.lat["a2v"].append((now - int(parts[3])) / 1e6)
                counts["a2v_delivered"] += 1
            else:
                counts["late_a2v"] += 1
        elif kind == "error":
            key = frame.get("client_id")
            if key is not None:
                self.pending.pop(key, None)
            self.errors.add("ws_error_" + str(frame.get("code")), raw)
        elif kind in ("typing", "presence", "hello"):
            pass
        else:
            counts["unexpected_frames"] += 1
            self.errors.add("unexpected_frame", raw)

    def fire(self, chat, key, origin):
        text = '{"type":"message","content":"bench %s %s %d","client_id":"%s"}' % (self.cfg["tag"], key, origin, key)
        self.pending[key] = origin
        try:
            chat.ws.send_text(text)
        except Exception as e:  # noqa: BLE001
            self.pending.pop(key, None)
            self.errors.add("ws_send_failed", repr(e))
            return False
        buffered = chat.ws.write_buffer()
        if buffered > self.counts["max_write_buffer"]:
            self.counts["max_write_buffer"] = buffered
        return True

    # -- load --
    TICK = 0.001            # the event loop's timers have millisecond resolution
    LOOKAHEAD = 500_000     # ns: a tick sends what is due within the next half millisecond

    async def schedule(self, t0, rate, count, act, deadline, lag=None):
        """Open loop: message i is due at t0 + i/rate, fixed in advance. Every tick (~1 ms) sends everything
        due by now + LOOKAHEAD and passes act(i, origin) the time its latency is measured from: the due
        time, or the actual send time when that is earlier (so nothing is ever measured short). A client
        that falls behind sends in bursts and the delay counts as latency. Sleeping less than a tick would
        make the event loop spin, burning CPU the server needs."""
        if rate <= 0 or count <= 0:
            return
        interval = 1e9 / rate
        i = 0
        while i < count:
            now = mono()
            if now > deadline:
                self.errors.add("client_schedule_overrun", "stopped at %d of %d" % (i, count))
                return
            due = t0 + int(i * interval)
            if due > now + self.LOOKAHEAD:
                await asyncio.sleep(max(self.TICK, (due - now - self.LOOKAHEAD) / 1e9))
                continue
            horizon = now + self.LOOKAHEAD
            while i < count:
                due = t0 + int(i * interval)
                if due > horizon:
                    break
                if lag is not None:
                    lag.append((now - due) / 1e6)
                act(i, min(due, now))
                i += 1
            await asyncio.sleep(0)

    async def drain(self, done, timeout):
        end = mono() + int(timeout * 1e9)
        while not done() and mono() < end:
            await asyncio.sleep(0.05)

    async def warmup(self, t0, rate):
        self.phase = "warmup"
        chats = self.chats
        rate = rate / self.cfg["workers"]

        def act(i, origin):
            self.fire(chats[i], "w0.%d.%d" % (self.index, i), origin)

        deadline = t0 + int((len(chats) / max(rate, 1) + self.cfg["phase_timeout"]) * 1e9)
        await self.schedule(t0, rate, len(chats), act, deadline)
        await self.drain(lambda: not self.pending, self.cfg["phase_timeout"])
        lost = len(self.pending)
        if lost:
            self.errors.add("warmup_no_ack", "%d first messages got no ack within %ds" % (lost, self.cfg["phase_timeout"]))
            self.pending.clear()
        self.phase = "idle"

    # -- the visitor side of a step; NativeWorker hands these to the engine --
    def chat_count(self):
        return len(self.chats)

    def conversation_count(self):
        return sum(1 for c in self.chats if c.conversation_id)

    async def conversation_ids(self):
        return [c.conversation_id for c in self.chats if c.conversation_id]

    async def visitor_load(self, step, t0, rate, n, offset, deadline, replies=None):
        """Sends the step's visitor messages; returns the CPU seconds spent outside this process (none here)."""
        chats = self.chats
        counts = self.counts

        def visitor(i, origin):
            if self.fire(chats[(i + offset) % len(chats)], "m%d.%d.%d" % (step, self.index, i), origin):
                counts["sent"] += 1

        await self.schedule(t0, rate, n, visitor, deadline, self.lat["send_lag"])
        return 0.0

    async def drain_step(self, others_done, timeout):
        await self.drain(lambda: not self.pending and others_done(), timeout)

    async def collect_step(self):
        """Brings the step's visitor counts, latencies and errors together; returns the messages still unacked."""
        return len(self.pending)

    async def write_acked_ids(self, path):
        with open(path, "w") as f:
            f.write("\n".join(i for i in self.acked_ids if i) + "\n")
        return len(self.acked_ids)

    async def run(self, step, t0, http, token, rate, reply_rate, duration):
        self.new_step()
        self.phase = "run"
        self.step = step
        cfg = self.cfg
        rate = rate / cfg["workers"]
        n = int(rate * duration)
        reply_rate = reply_rate / cfg["workers"]
        n_replies = int(reply_rate * duration)
        deadline = t0 + int((duration + 30) * 1e9)
        conversations = await self.conversation_ids()
        reply_sem = asyncio.Semaphore(cfg["reply_max_outstanding"])
        headers = {"Authorization": "Bearer " + token}
        base = cfg["base"]
        offset = random.Random(self.index * 1000 + step).randrange(max(1, self.chat_count()))
        counts = self.counts

        async def reply(i, origin):
            key = "r%d.%d.%d" % (step, self.index, i)
            conv = conversations[(i + offset) % len(conversations)]
            if reply_sem.locked():
                self.errors.add("reply_client_backlog", "more than %d replies outstanding" % cfg["reply_max_outstanding"])
                return
            async with reply_sem:
                counts["replies_sent"] += 1
                url = "%s/api/v1/conversations/%s/messages" % (base, conv)
                try:
                    async with http.post(url, json={"content": "bench %s %s %d" % (cfg["tag"], key, origin)},
                                         headers=headers) as r:
                        body = await r.read()
                        now = mono()
                        if r.status != 201:
                            self.errors.add("reply_http_%d" % r.status, "POST %s -> %d %s" % (url, r.status, body[:300]))
                            return
                        counts["replies_201"] += 1
                        self.lat["reply_http"].append((now - origin) / 1e6)
                        self.reply_ids.append(json.loads(body).get("id"))
                        if key not in self.reply_seen:
                            self.reply_pending[key] = origin
                except Exception as e:  # noqa: BLE001
                    self.errors.add("reply_exception", repr(e))

        def replier(i, origin):
            self.spawn(reply(i, origin))

        cpu0 = own_cpu_seconds()
        if self.REPLIES_IN_ENGINE:
            replies = {"reply_rate": reply_rate, "reply_count": n_replies, "token": token,
                       "reply_max_outstanding": cfg["reply_max_outstanding"], "http_connections": cfg["http_connections"]}
            jobs = [self.visitor_load(step, t0, rate, n, offset, deadline, replies if n_replies else None)]
        else:
            jobs = [self.visitor_load(step, t0, rate, n, offset, deadline)]
            if conversations and n_replies:
                jobs.append(self.schedule(t0, reply_rate, n_replies, replier, deadline, self.lat["reply_lag"]))
            elif n_replies:
                self.errors.add("no_conversations_to_reply_to", "no chat has a conversation id")
        helper_cpu = (await asyncio.gather(*jobs))[0]
        cpu1 = own_cpu_seconds()
        await self.drain_step(lambda: not self.reply_pending and reply_sem._value == cfg["reply_max_outstanding"],
                              cfg["drain"])
        unacked = await self.collect_step()
        counts["unacked_at_end"] = unacked
        counts["replies_undelivered_at_end"] = len(self.reply_pending)
        if unacked:
            self.errors.add("no_ack_within_drain", "%d messages sent but neither acked nor refused %ds after the step"
                            % (unacked, cfg["drain"]))
        if self.reply_pending:
            self.errors.add("reply_not_delivered", "%d replies answered 201 but not on the visitor's socket %ds after the step"
                            % (len(self.reply_pending), cfg["drain"]))
        # Whatever is still outstanding belongs to this step; later acks count as late, not as latency.
        self.reply_pending.clear()
        self.phase = "idle"
        result = {"cpu_run_s": cpu1 - cpu0 + helper_cpu, "counts": dict(counts), "errors": self.errors.dump(),
                  "acked_keys": self.acked_keys, "lat": {k: v.tobytes() for k, v in self.lat.items()}}
        if self.cfg["client"] == "native":  # the parent lists the engine's share of the client CPU
            result["cpu_parts"] = {"worker": cpu1 - cpu0, "engine": helper_cpu}
        return result

    async def close_all(self):
        sem = asyncio.Semaphore(200)

        async def one(c):
            async with sem:
                try:
                    await asyncio.wait_for(c.ws.close(), 3)
                except Exception:  # noqa: BLE001
                    pass
        try:
            await asyncio.wait_for(asyncio.gather(*(one(c) for c in self.chats if c.ws)), 20)
        except Exception:  # noqa: BLE001
            pass

    async def main(self):
        import aiohttp
        cfg = self.cfg
        connector = aiohttp.TCPConnector(limit=cfg["http_connections"], ttl_dns_cache=None)
        timeout = aiohttp.ClientTimeout(total=30)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
            t = mono()
            await self.create_sessions(http, cfg["chats_per_worker"][self.index])
            self.tell_parent(("sessions", len(self.chats), (mono() - t) / 1e9, self.errors.dump()))
            self.new_step()
            cmd = await self.ask_parent(cfg["phase_timeout"] * 4)
            assert cmd[0] == "open", cmd
            await self.open_sockets()
            self.tell_parent(("opened", self.chat_count(), self.extensions, self.errors.dump(),
                              self.setup_lat["open"].tobytes()))
            self.new_step()
            cmd = await self.ask_parent(cfg["phase_timeout"] * 4)
            assert cmd[0] == "warmup", cmd
            await self.warmup(cmd[1], cmd[2])
            self.tell_parent(("warmed", len(self.setup_lat["warm_ack"]), self.conversation_count(),
                              self.errors.dump(), self.setup_lat["warm_ack"].tobytes()))
            for _ in range(1000):  # the steps, at most as many as the parent asks for
                cmd = await self.ask_parent(cfg["phase_timeout"] * 4 + 3600)
                if cmd[0] != "run":
                    break
                _, step, t0, token, rate, reply_rate, duration = cmd
                # No collector pauses inside a step: with thousands of sockets a full collection takes long
                # enough to show up as latency. What a step allocates is bounded by its length.
                gc.collect()
                gc.freeze()
                gc.disable()
                result = await self.run(step, t0, http, token, rate, reply_rate, duration)
                gc.enable()
                self.tell_parent(("result", result))
            os.makedirs(cfg["out"], exist_ok=True)
            n_acked = await self.write_acked_ids(os.path.join(cfg["out"], "acked-%d.txt" % self.index))
            with open(os.path.join(cfg["out"], "replied-%d.txt" % self.index), "w") as f:
                f.write("\n".join(i for i in self.reply_ids if i) + "\n")
            self.tell_parent(("closed", n_acked, len(self.reply_ids)))
            await self.close_all()


# --------------------------------------------------------------------------------------------------
# --client native: the visitor sockets in a compiled engine (Benchmarks/chat_engine.c)


def build_engine(out_dir):
    """Compiles the engine next to the run's other files (chat.sh compiles it itself and passes --engine)."""
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "chat_engine.c")
    gcc = shutil.which("gcc")
    if gcc is None:
        raise SystemExit("--client native needs gcc to compile %s (or pass --engine PATH)" % src)
    exe = os.path.join(out_dir, "chat_engine")
    subprocess.run([gcc, "-O2", "-Wall", "-Wextra", "-o", exe, src], check=True)
    return exe


def read_f64(path):
    values = array("d")
    with open(path, "rb") as f:
        values.frombytes(f.read())
    return values


class EngineFailed(RuntimeError):
    pass


class Engine:
    """One worker's engine process. Strict request/response: one JSON line in, one JSON line out, so a reply
    always answers the last command; every wait is bounded, and an engine that dies or stalls turns into an
    EngineFailed naming the command and the engine's stderr, which the worker reports to the parent."""

    def __init__(self, path, out_dir, index):
        self.path = path
        self.log_path = os.path.join(out_dir, "engine-%d.log" % index)
        self.proc = None
        self.lock = asyncio.Lock()

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    async def start(self):
        with open(self.log_path, "wb") as log_file:
            self.proc = await asyncio.create_subprocess_exec(
                self.path, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=log_file,
                limit=1 << 26)

    def describe(self):
        try:
            with open(self.log_path, errors="replace") as f:
                tail = f.read()[-1500:].strip()
        except OSError:
            tail = ""
        state = "running" if self.proc.returncode is None else "exit status %s" % self.proc.returncode
        return "engine %s (pid %s, %s); its stderr: %s" % (self.path, self.pid, state, tail or "(empty)")

    async def call(self, timeout, **cmd):
        async with self.lock:
            try:
                self.proc.stdin.write((json.dumps(cmd) + "\n").encode())
                await asyncio.wait_for(self.proc.stdin.drain(), timeout)
                line = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
            except asyncio.TimeoutError:
                raise EngineFailed("no answer to %r within %.0f s: %s" % (cmd["cmd"], timeout, self.describe())) from None
            except (ConnectionError, OSError) as e:
                line = b""
                cause = repr(e)
            else:
                cause = "end of its output"
            if not line:
                try:
                    await asyncio.wait_for(self.proc.wait(), 2)
                except asyncio.TimeoutError:
                    pass
                raise EngineFailed("the engine died during %r (%s): %s" % (cmd["cmd"], cause, self.describe()))
            reply = json.loads(line)
            if "error" in reply:
                raise EngineFailed("the engine refused %r: %s" % (cmd["cmd"], reply["error"]))
            return reply

    async def stop(self, timeout=10):
        """Ends the engine: it exits on its own after "close" or at the end of its stdin; else killed."""
        if self.proc is None or self.proc.returncode is not None:
            return
        try:
            self.proc.stdin.close()
        except Exception:  # noqa: BLE001
            pass
        try:
            await asyncio.wait_for(self.proc.wait(), timeout)
        except asyncio.TimeoutError:
            self.proc.kill()
            await self.proc.wait()


class NativeWorker(Worker):
    """A Worker whose visitor sockets and agent replies live in the engine: the same phases and the same
    answers to the parent; sessions and the parent stay here."""
    REPLIES_IN_ENGINE = True

    def __init__(self, cfg, index, conn):
        super().__init__(cfg, index, conn)
        self.engine = Engine(cfg["engine"], cfg["out"], index)
        self.n_open = 0
        self.n_conversations = 0

    async def main(self):
        await self.engine.start()
        try:
            await super().main()
        finally:
            await self.engine.stop()

    async def open_sockets(self):
        cfg = self.cfg
        tokens = os.path.join(cfg["out"], "engine-%d-tokens.txt" % self.index)
        with open(tokens, "w") as f:
            f.write("".join(c.token + "\n" for c in self.chats))
        host, port = cfg["base"].split("//", 1)[1].rsplit(":", 1)
        r = await self.engine.call(cfg["phase_timeout"] + 60, cmd="open", host=host, port=int(port),
                                   inbox=str(cfg["inbox_id"]), tag=cfg["tag"], index=self.index, tokens_file=tokens,
                                   concurrency=cfg["open_concurrency"], phase_timeout=cfg["phase_timeout"],
                                   out=cfg["out"])
        self.n_open = r["opened"]
        self.extensions = r["extensions"]
        self.errors.merge(r["errors"])
        self.setup_lat["open"] = read_f64(r["open_file"])

    def chat_count(self):
        return self.n_open

    def conversation_count(self):
        return self.n_conversations

    async def warmup(self, t0, rate):
        self.phase = "warmup"
        cfg = self.cfg
        rate = rate / cfg["workers"]
        # The engine sends, then waits up to phase_timeout for the acks, as Worker.warmup does.
        r = await self.engine.call(self.n_open / max(rate, 1) + 3 * cfg["phase_timeout"] + 60, cmd="warmup",
                                   t0=t0, rate=rate, phase_timeout=cfg["phase_timeout"])
        self.errors.merge(r["errors"])
        self.setup_lat["warm_ack"] = read_f64(r["warm_ack_file"])
        self.n_conversations = r["conversations"]
        self.phase = "idle"

    async def conversation_ids(self):
        r = await self.engine.call(30, cmd="convs")
        with open(r["file"]) as f:
            return f.read().split()

    async def visitor_load(self, step, t0, rate, n, offset, deadline, replies=None):
        # The engine answers when its schedules are done (at the latest at the deadline) with its CPU time.
        r = await self.engine.call(max(0.0, (deadline - mono()) / 1e9) + 60, cmd="run", step=step, t0=t0, rate=rate,
                                   count=n, offset=offset, deadline=deadline, **(replies or {}))
        return r["cpu_s"]

    def note_replies(self, status):
        """The engine's news: replies seen on a visitor socket, then replies answered 201 (a reply may be seen
        before its 201 arrives; Worker.run's reply() has the same rule)."""
        for key in status["replies_seen"]:
            self.reply_seen.add(key)
            self.reply_pending.pop(key, None)
        for key, origin in status["replies_201"]:
            if key not in self.reply_seen:
                self.reply_pending[key] = origin

    async def drain_step(self, others_done, timeout):
        end = mono() + int(timeout * 1e9)
        while True:
            st = await self.engine.call(30, cmd="status")
            self.note_replies(st)
            if (st["pending"] == 0 and st["replies_outstanding"] == 0 and others_done()) or mono() >= end:
                return
            await asyncio.sleep(0.05)

    async def collect_step(self):
        r = await self.engine.call(30, cmd="result")
        self.note_replies(r)
        self.counts.update(r["counts"])
        self.errors.merge(r["errors"])
        if r["replies_outstanding"]:
            self.errors.add("reply_no_answer_within_drain", "%d reply POSTs unanswered after the step's drain"
                            % r["replies_outstanding"])
        with open(r["reply_ids_file"]) as f:
            self.reply_ids.extend(f.read().split())
        for k in ("ack", "a2v", "send_lag", "reply_http", "reply_lag"):
            self.lat[k] = read_f64(r["files"][k])
        with open(r["acked_keys_file"]) as f:
            self.acked_keys = f.read().split()
        return r["pending"]

    async def write_acked_ids(self, path):
        return (await self.engine.call(60, cmd="ids", path=path))["count"]

    async def close_all(self):
        try:
            await self.engine.call(15, cmd="close")
        except EngineFailed as e:
            log("worker %d: closing the visitor sockets: %s" % (self.index, e))


def passive_agents_entry(base, token, count, conn):
    """--extra-agents: `count` more agent realtime sockets that receive every event and discard it.

    They measure what delivering each event to more agents costs the server (every admin's socket gets every
    event). Nothing is parsed: bytes are counted, and a masked pong goes out every 10 s, which is all the
    server's keep-alive needs to hear. Runs until the parent sends anything on `conn`, then answers with
    the bytes each socket received and how many were closed by the server before that."""
    import base64
    host, port = base.split("//", 1)[1].split("/", 1)[0].rsplit(":", 1)

    async def main():
        received = [0] * count
        closed_early = [False] * count
        refused = []
        stop = asyncio.Event()

        async def one(i):
            try:
                await socket(i)
            except Exception as e:  # noqa: BLE001 — reported, not raised: the other sockets go on
                if not stop.is_set():
                    refused.append(repr(e)[:200])

        async def socket(i):
            reader, writer = await asyncio.open_connection(host, int(port))
            key = base64.b64encode(os.urandom(16)).decode()
            writer.write(("GET /api/v1/realtime?token=%s HTTP/1.1\r\nHost: %s:%s\r\nUpgrade: websocket\r\n"
                          "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n"
                          % (token, host, port, key)).encode())
            head = await reader.readuntil(b"\r\n\r\n")
            if b" 101 " not in head.split(b"\r\n", 1)[0]:
                raise ConnectionError("upgrade refused: %r" % head[:200])
            pong = bytes([0x8A, 0x80]) + os.urandom(4)  # FIN + pong, masked, empty

            async def heartbeat():
                while not stop.is_set():
                    await asyncio.sleep(10)
                    writer.write(pong)

            beat = asyncio.ensure_future(heartbeat())
            while not stop.is_set():
                data = await reader.read(1 << 20)
                if not data:
                    closed_early[i] = not stop.is_set()
                    break
                received[i] += len(data)
            beat.cancel()
            writer.close()

        tasks = [asyncio.ensure_future(one(i)) for i in range(count)]
        await asyncio.to_thread(conn.recv)
        stop.set()
        await asyncio.sleep(0.2)
        for t in tasks:
            t.cancel()
        conn.send({"bytes": received, "closed_early": sum(closed_early), "failed": refused})

    asyncio.run(main())


def worker_entry(cfg, index, conn):
    if uvloop is not None and cfg["uvloop"]:
        uvloop.install()
    profile_dir = os.environ.get("CHAT_LOAD_PROFILE")  # debugging the generator itself: cProfile per worker
    cls = NativeWorker if cfg["client"] == "native" else Worker
    try:
        if profile_dir:
            import cProfile
            cProfile.runctx("asyncio.run(cls(cfg, index, conn).main())", globals(), locals(),
                            os.path.join(profile_dir, "worker-%d.prof" % index))
        else:
            asyncio.run(cls(cfg, index, conn).main())
    except Exception as e:  # noqa: BLE001
        try:
            conn.send(("failed", repr(e)))
        except Exception:  # noqa: BLE001
            pass
        raise


# --------------------------------------------------------------------------------------------------
# parent process: setup, the agent socket, coordination, merging


class Agent:
    """The agent realtime socket; records visitor -> agent latency from content-embedded origin times."""

    TYPE = __import__("re").compile(r'"type":\s*"([a-z_]+\.[a-z_.]+|typing|presence)"')

    def __init__(self, tag):
        self.tag = tag
        self.prefix = "bench %s " % tag
        self.lat = {}               # step -> array of ms (step 0 = warm-up)
        self.seen = set()
        self.dups = 0
        self.frames = 0
        self.frame_types = {}
        self.errors = Errors()
        self.closed = False
        self.closing = False
        self.ws = None

    async def connect(self, cfg, token):
        self.ws = await ws_open(cfg, "/api/v1/realtime?token=%s" % token, 30)
        self.ws.start(self.on_text, self.on_close)

    def on_close(self, ws):
        self.closed = True
        if not self.closing:
            self.errors.add("agent_socket_closed", "close code %s reason %r" % (ws.close_code, ws.close_reason))

    def on_text(self, raw):
        now = mono()
        self.frames += 1
        m = self.TYPE.search(raw)
        t = m.group(1) if m else "?"
        self.frame_types[t] = self.frame_types.get(t, 0) + 1
        if t != "message.created" or self.prefix not in raw:
            return
        try:
            data = json.loads(raw).get("data") or {}
        except Exception:  # noqa: BLE001
            self.errors.add("agent_bad_frame", raw)
            return
        if data.get("direction") != "in":
            return
        parts = (data.get("content") or "").split(" ")
        if len(parts) != 4 or parts[1] != self.tag:
            return
        key = parts[2]
        if key in self.seen:
            self.dups += 1
            return
        self.seen.add(key)
        step = key_kind_step(key)[1]
        lat = self.lat.get(step)
        if lat is None:
            lat = self.lat[step] = array("d")
        lat.append((now - int(parts[3])) / 1e6)


def merge_counts(parts):
    out = {}
    for c in parts:
        for k, v in c.items():
            out[k] = max(out.get(k, 0), v) if k == "max_write_buffer" else out.get(k, 0) + v
    return out


async def parent_main(args):
    import aiohttp
    base = args.base.rstrip("/")
    tag = "".join(random.choice(string.ascii_lowercase) for _ in range(6))
    os.makedirs(args.out, exist_ok=True)
    rates = [float(x) for x in str(args.rate).replace(",", " ").split()]
    workers = max(1, min(args.workers, args.chats))
    shares = [args.chats // workers + (1 if i < args.chats % workers else 0) for i in range(workers)]
    warmup_rate = args.warmup_rate or min(rates[0], 1000.0)
    results = {"params": {"chats": args.chats, "rates": rates, "duration": args.duration,
                          "reply_rate": args.reply_rate, "reply_fraction": args.reply_fraction, "workers": workers,
                          "compression": args.compression, "uvloop": bool(uvloop is not None and not args.no_uvloop),
                          "tag": tag, "client": args.client, "idle_settle": args.idle_settle, "warmup_rate": warmup_rate,
                          "target_p99_ms": args.target_p99_ms, "extra_agents": args.extra_agents},
               "setup": {}, "steps": []}
    setup_errors = Errors()
    t_all = time.monotonic()

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
        async with http.post(base + "/api/v1/auth/login", json={"email": args.email, "password": args.password}) as r:
            body = await r.text()
            if r.status != 200:
                raise SystemExit("login failed: %d %s" % (r.status, body))
            token = json.loads(body)["token"]
        inbox_req = {"name": "Bench chat", "channel": "web_chat",
                     "settings": {"greeting": "Hi! Ask us anything.", "pre_chat_form": False}}
        async with http.post(base + "/api/v1/inboxes", json=inbox_req, headers={"Authorization": "Bearer " + token}) as r:
            body = await r.text()
            if r.status != 201:
                raise SystemExit("creating the web_chat inbox failed: POST /api/v1/inboxes %s -> %d %s"
                                 % (json.dumps(inbox_req), r.status, body))
            inbox_id = json.loads(body)["id"]
        async with http.get("%s/api/v1/widget/%s/config" % (base, inbox_id)) as r:
            body = await r.text()
            if r.status != 200:
                raise SystemExit("widget config failed: %d %s" % (r.status, body))
    log("inbox %s (tag %s); %d chats over %d worker process(es); steps at %s msg/s"
        % (inbox_id, tag, args.chats, workers, ", ".join("%g" % r for r in rates)))

    agent = Agent(tag)
    await agent.connect({"client": args.client, "base": base, "compression": args.compression}, token)
    passive = None
    if args.extra_agents:
        here, there = multiprocessing.get_context("spawn").Pipe()
        passive = (multiprocessing.get_context("spawn").Process(
            target=passive_agents_entry, args=(base, token, args.extra_agents, there), daemon=True), here)
        passive[0].start()
        log("%d extra passive agent sockets (each gets every event)" % args.extra_agents)

    cfg = {"base": base, "inbox_id": inbox_id, "tag": tag, "workers": workers, "chats_per_worker": shares,
           "session_concurrency": args.session_concurrency, "open_concurrency": args.open_concurrency,
           "phase_timeout": args.phase_timeout, "drain": args.drain, "compression": args.compression,
           "http_connections": args.http_connections, "reply_max_outstanding": args.reply_max_outstanding,
           "out": args.out, "uvloop": not args.no_uvloop, "client": args.client,
           "engine": (os.path.abspath(args.engine) if args.engine else build_engine(args.out))
           if args.client == "native" else None}
    ctx = multiprocessing.get_context("spawn")
    procs, conns = [], []
    for i in range(workers):
        a, b = ctx.Pipe()
        p = ctx.Process(target=worker_entry, args=(cfg, i, b), daemon=True)
        p.start()
        procs.append(p)
        conns.append(a)

    async def gather_from_workers(expected, timeout):
        answers = await asyncio.gather(*(asyncio.to_thread(pipe_recv, c, timeout) for c in conns))
        for a in answers:
            if a[0] == "failed":
                raise SystemExit("a worker failed: %s" % a[1])
            if a[0] != expected:
                raise SystemExit("a worker answered %r, expected %s" % (a[:1], expected))
        return answers

    def broadcast(msg):
        for c in conns:
            c.send(msg)

    ticks = os.sysconf("SC_CLK_TCK")
    acked_total = 0
    try:
        # -- sessions --
        t = time.monotonic()
        answers = await gather_from_workers("sessions", args.phase_timeout * 2)
        sessions = sum(a[1] for a in answers)
        for a in answers:
            setup_errors.merge(a[3])
        results["setup"]["sessions"] = {"created": sessions, "seconds": round(time.monotonic() - t, 2)}
        log("sessions: %d of %d created in %.1f s" % (sessions, args.chats, time.monotonic() - t))

        # -- idle memory --
        await asyncio.sleep(1.0)
        rss_before = vm_rss_kib(args.server_pid)
        t = time.monotonic()
        broadcast(("open",))
        answers = await gather_from_workers("opened", args.phase_timeout * 2)
        opened = sum(a[1] for a in answers)
        open_lat = array("d")
        for a in answers:
            setup_errors.merge(a[3])
            part = array("d")
            part.frombytes(a[4])
            open_lat.extend(part)
        open_seconds = time.monotonic() - t
        log("visitor sockets: %d open (hello received) in %.1f s; idle %.0f s before measuring RSS"
            % (opened, open_seconds, args.idle_settle))
        await asyncio.sleep(args.idle_settle)
        rss_after = vm_rss_kib(args.server_pid)
        per_conn = (rss_after["VmRSS"] - rss_before["VmRSS"]) * 1024 / opened if opened else None
        results["memory"] = {"before_kib": rss_before, "after_kib": rss_after, "open_sockets": opened,
                             "per_idle_connection_bytes": per_conn}
        results["setup"]["open"] = {"opened": opened, "seconds": round(open_seconds, 2), "extensions": answers[0][2],
                                    "latency_ms": summary(open_lat)}
        log("server RSS %d KiB -> %d KiB: %.1f KiB per idle connection"
            % (rss_before["VmRSS"], rss_after["VmRSS"], (per_conn or 0) / 1024))
        if opened == 0:
            raise SystemExit("no visitor socket opened: %s" % json.dumps(setup_errors.dump()))

        # -- warm-up: one first message per chat (creates the conversations) --
        t = time.monotonic()
        broadcast(("warmup", mono() + 200_000_000, warmup_rate))
        answers = await gather_from_workers("warmed", args.phase_timeout * 3 + opened / warmup_rate)
        warm_acked = sum(a[1] for a in answers)
        acked_total += warm_acked
        conversations = sum(a[2] for a in answers)
        warm_lat = array("d")
        for a in answers:
            setup_errors.merge(a[3])
            part = array("d")
            part.frombytes(a[4])
            warm_lat.extend(part)
        end = time.monotonic() + args.drain
        while len(agent.lat.get(0, ())) < warm_acked and time.monotonic() < end:
            await asyncio.sleep(0.05)
        results["setup"]["warmup"] = {"rate": warmup_rate, "acked": warm_acked, "conversations": conversations,
                                      "agent_received": len(agent.lat.get(0, ())), "seconds": round(time.monotonic() - t, 2),
                                      "ack_ms": summary(warm_lat), "v2a_ms": summary(agent.lat.get(0, ()))}
        log("warm-up at %g/s: %d first messages acked, %d conversations, %d seen by the agent, %.1f s"
            % (warmup_rate, warm_acked, conversations, len(agent.lat.get(0, ())), time.monotonic() - t))
        await asyncio.sleep(2.0)

        # -- measured steps --
        # A step during which other processes took more than --retry-other-pct of a core is run again
        # (up to --retries times): on a shared machine someone else's compiler is not the server's latency.
        # Discarded attempts are listed in the report. Each attempt has its own step number (message keys).
        results["discarded_steps"] = []
        step = 0
        index = 0
        attempt = 0
        while index < len(rates):
            rate = rates[index]
            step += 1
            reply_rate = args.reply_rate if args.reply_rate is not None else rate * args.reply_fraction
            rss_pre = vm_rss_kib(args.server_pid)
            gc.collect()
            gc.freeze()
            gc.disable()
            t0 = mono() + 500_000_000
            broadcast(("run", step, t0, token, rate, reply_rate, args.duration))
            await asyncio.sleep(0.5)
            server_cpu0, busy0, own0 = proc_cpu_ticks(args.server_pid), machine_busy_ticks(), own_cpu_seconds()
            passive0 = proc_cpu_ticks(passive[0].pid) if passive else 0
            wall0 = mono()
            log("step %d: %g visitor msg/s + %g replies/s for %d s" % (step, rate, reply_rate, args.duration))
            await asyncio.sleep(max(0.0, args.duration / 2 - 1))
            top = await top_snapshot(2.0)
            log("busiest processes halfway: " + top)
            if args.perf_out and index == len(rates) - 1:  # PROFILE=1: sample the server's stacks for 5 s
                perf = await asyncio.create_subprocess_exec(
                    "perf", "record", "-q", "-F", "499", "-g", "-p", str(args.server_pid), "-o", args.perf_out,
                    "--", "sleep", "5", stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
                try:
                    await asyncio.wait_for(perf.wait(), 30)
                except asyncio.TimeoutError:
                    perf.kill()
            await asyncio.sleep(max(0.0, (wall0 + args.duration * 1e9 - mono()) / 1e9))
            server_cpu1, busy1, own1 = proc_cpu_ticks(args.server_pid), machine_busy_ticks(), own_cpu_seconds()
            passive1 = proc_cpu_ticks(passive[0].pid) if passive else 0
            wall1 = mono()
            rss_end = vm_rss_kib(args.server_pid)
            answers = await gather_from_workers("result", args.duration + args.drain + args.phase_timeout + 60)
            worker_results = [a[1] for a in answers]
            acked_keys = set()
            for w in worker_results:
                acked_keys.update(w["acked_keys"])
            end = time.monotonic() + args.drain
            while not acked_keys.issubset(agent.seen) and time.monotonic() < end and not agent.closed:
                await asyncio.sleep(0.1)
            gc.enable()

            # merge this step
            wall = (wall1 - wall0) / 1e9
            lat = {}
            errors = Errors()
            client_cpu = own1 - own0
            by_process = ["agent/parent %.0f%%" % (100 * client_cpu / wall)]
            for w in worker_results:
                for k, raw in w["lat"].items():
                    part = array("d")
                    part.frombytes(raw)
                    lat.setdefault(k, array("d")).extend(part)
                errors.merge(w["errors"])
                client_cpu += w["cpu_run_s"]
                parts = w.get("cpu_parts") or {"worker": w["cpu_run_s"]}  # native: the worker and its engine
                by_process.append(" + ".join("%s %.0f%%" % (k, 100 * v / wall) for k, v in parts.items()))
            if passive:
                client_cpu += (passive1 - passive0) / ticks
                by_process.append("extra agents %.0f%%" % (100 * (passive1 - passive0) / ticks / wall))
            counts = merge_counts(w["counts"] for w in worker_results)
            acked_total += counts.get("acked", 0)
            lat["v2a"] = agent.lat.get(step, array("d"))
            missing = len(acked_keys - agent.seen)
            if missing:
                errors.add("acked_not_seen_by_agent", "%d acknowledged messages never reached the agent socket" % missing)
                errors.counts["acked_not_seen_by_agent"] = missing
            counts["acked_not_seen_by_agent"] = missing
            cpu = {"wall_s": wall, "server_pct": 100 * (server_cpu1 - server_cpu0) / ticks / wall,
                   "client_pct": 100 * client_cpu / wall, "client_by_process": ", ".join(by_process),
                   "machine_busy_pct": 100 * (busy1 - busy0) / ticks / wall, "cores": os.cpu_count()}
            cpu["other_pct"] = max(0.0, cpu["machine_busy_pct"] - cpu["server_pct"] - cpu["client_pct"])
            s = {"step": step, "rate": rate, "reply_rate": reply_rate, "duration": args.duration,
                 "latency_ms": {k: summary(v) for k, v in lat.items()}, "counts": counts, "errors": errors.dump(),
                 "throughput": {"acked_msgs_per_s": counts.get("acked", 0) / args.duration,
                                "replies_201_per_s": counts.get("replies_201", 0) / args.duration,
                                "replies_delivered_per_s": counts.get("a2v_delivered", 0) / args.duration},
                 "cpu": cpu, "top_mid_run": top, "rss_pre_kib": rss_pre, "rss_end_kib": rss_end}
            print_step(s)
            if cpu["other_pct"] > args.retry_other_pct and attempt < args.retries:
                attempt += 1
                log("step %d (%g msg/s) disturbed: other processes used %.0f%% of a core; running it again"
                    % (step, rate, cpu["other_pct"]))
                results["discarded_steps"].append({"rate": rate, "other_pct": cpu["other_pct"], "top_mid_run": top,
                                                   "worst_p99_ms": step_p99(s)})
                await asyncio.sleep(args.pause)
                continue
            s["attempts"] = attempt + 1
            attempt = 0
            results["steps"].append(s)
            # Stop the sweep once the server cannot keep up (a backlog would spill into the next step) or
            # latency is a hundred times the target: higher rates would only say the same louder.
            worst = step_p99(s)
            if counts.get("unacked_at_end", 0) > 0.01 * max(1, counts.get("sent", 0)) \
                    or s["throughput"]["acked_msgs_per_s"] < 0.95 * rate \
                    or (worst is not None and worst > 100 * args.target_p99_ms):
                if index < len(rates) - 1:
                    log("step %d fell behind (%.0f of %g msg/s acknowledged, worst p99 %s ms); later steps skipped"
                        % (step, s["throughput"]["acked_msgs_per_s"], rate, fmt_ms(worst)))
                    results["skipped_rates"] = rates[index + 1:]
                break
            index += 1
            if index < len(rates):
                await asyncio.sleep(args.pause)
        broadcast(("close",))
        answers = await gather_from_workers("closed", 120)
    finally:
        gc.enable()
        for p in procs:
            p.join(timeout=40)
            if p.is_alive():
                p.kill()
        if passive:
            try:
                passive[1].send("stop")
                results["extra_agents"] = dict(await asyncio.to_thread(pipe_recv, passive[1], 10), sockets=args.extra_agents)
            except BaseException as e:  # noqa: BLE001
                results["extra_agents"] = {"sockets": args.extra_agents, "error": repr(e)}
            passive[0].join(timeout=5)
            if passive[0].is_alive():
                passive[0].kill()
        agent.closing = True
        try:
            await asyncio.wait_for(agent.ws.close(), 3)
        except Exception:  # noqa: BLE001
            pass

    setup_errors.merge(agent.errors.dump())
    results["setup"]["errors"] = setup_errors.dump()
    results["agent"] = {"frames": agent.frames, "frame_types": agent.frame_types, "duplicates": agent.dups}
    results["acked_total_in"] = acked_total
    results["seconds_total"] = round(time.monotonic() - t_all, 1)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    log("done in %.0f s; results in %s" % (results["seconds_total"], os.path.join(args.out, "results.json")))


def fmt_ms(v):
    return "—" if v is None else ("%.2f" % v if v < 100 else "%.0f" % v)


def print_step(s):
    L = s["latency_ms"]
    log("step %d result (%g msg/s offered):" % (s["step"], s["rate"]))
    for key, label in (("ack", "visitor -> ack"), ("v2a", "visitor -> agent"), ("reply_http", "reply POST -> 201"),
                       ("a2v", "agent -> visitor"), ("send_lag", "client send lag")):
        x = L.get(key)
        if x and x["count"]:
            print("  %-18s n=%-7d p50 %s  p99 %s  p99.9 %s  max %s ms" % (label, x["count"], fmt_ms(x["p50"]), fmt_ms(x["p99"]),
                                                                       fmt_ms(x["p999"]), fmt_ms(x["max"])), file=sys.stderr)
    print("  throughput %s" % json.dumps({k: round(v) for k, v in s["throughput"].items()}), file=sys.stderr)
    print("  cpu %s" % json.dumps({k: round(v, 1) if isinstance(v, float) else v for k, v in s["cpu"].items()}), file=sys.stderr)
    print("  errors %s" % json.dumps(s["errors"]["counts"]), file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------------
# report (after the server stopped)


def step_p99(s):
    p99s = [s["latency_ms"][k]["p99"] for k in ("ack", "v2a", "a2v") if s["latency_ms"].get(k, {}).get("count")]
    return max(p99s) if p99s else None


def step_ok(s, target_p99):
    p99 = step_p99(s)
    return (p99 is not None and p99 <= target_p99 and s["throughput"]["acked_msgs_per_s"] >= 0.99 * s["rate"]
            and not s["errors"]["counts"])


def report(args):
    import sqlite3
    with open(os.path.join(args.out, "results.json")) as f:
        r = json.load(f)
    p = r["params"]
    acked, replied = [], []
    for name in sorted(os.listdir(args.out)):
        path = os.path.join(args.out, name)
        if name.startswith("acked-"):
            acked += [x for x in open(path).read().split() if x]
        elif name.startswith("replied-"):
            replied += [x for x in open(path).read().split() if x]
    durable = None
    durable_text = "not checked (no --db)"
    if args.db:
        db = sqlite3.connect("file:%s?mode=ro" % args.db, uri=True)
        db.execute("CREATE TEMP TABLE acked(id TEXT PRIMARY KEY)")
        db.executemany("INSERT OR IGNORE INTO temp.acked VALUES (?)", ((x,) for x in acked))
        db.execute("CREATE TEMP TABLE replied(id TEXT PRIMARY KEY)")
        db.executemany("INSERT OR IGNORE INTO temp.replied VALUES (?)", ((x,) for x in replied))
        missing_in = db.execute("SELECT count(*) FROM temp.acked WHERE id NOT IN "
                                "(SELECT id FROM messages WHERE direction = 'in')").fetchone()[0]
        missing_out = db.execute("SELECT count(*) FROM temp.replied WHERE id NOT IN "
                                 "(SELECT id FROM messages WHERE direction = 'out')").fetchone()[0]
        like = "bench %s %%" % p["tag"]
        rows_in = db.execute("SELECT count(*) FROM messages WHERE direction = 'in' AND content LIKE ?", (like,)).fetchone()[0]
        rows_out = db.execute("SELECT count(*) FROM messages WHERE direction = 'out' AND content LIKE ?", (like,)).fetchone()[0]
        n_acked = len(set(acked))
        durable = missing_in == 0 and missing_out == 0 and n_acked >= r["acked_total_in"]
        extra = rows_in - n_acked
        durable_text = ("%s: %d of %d acknowledged visitor messages missing from the database (%d 'in' rows%s); "
                        "%d of %d agent replies answered 201 missing (%d 'out' rows)"
                        % ("yes" if durable else "NO", missing_in, n_acked, rows_in,
                           "" if extra == 0 else "; %d more than acknowledged: sent, committed, ack not received in time" % extra,
                           missing_out, len(set(replied)), rows_out))
    target_p99 = args.target_p99_ms
    mem = r["memory"]
    per_conn = mem["per_idle_connection_bytes"]
    setup = r["setup"]
    steps = r["steps"]
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    cpu_model = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)
    rates = ", ".join("%g" % x for x in p["rates"])
    reply_desc = ("%g replies/s" % p["reply_rate"]) if p["reply_rate"] is not None else \
        ("replies at %g%% of the visitor rate" % (100 * p["reply_fraction"]))

    out = []
    out.append("## Live chat — %s — %d chats, %s visitor msg/s, %s, %d s%s"
               % (when, p["chats"], rates, reply_desc, p["duration"], " per step" if len(p["rates"]) > 1 else ""))
    out.append("- Machine: %d cores (%s), %d GiB RAM, Linux %s." % (os.cpu_count(), cpu_model, mem_gib, os.uname().release))
    out.append("- Build: %s, commit %s. SQLite persistence on (default, `synchronous=FULL`); widget per-IP limits off."
               % (args.build, args.commit or "unknown"))
    client = {"raw": "built-in RFC 6455 client (no extensions offered)",
              "native": "visitor sockets and agent reply POSTs in the compiled epoll engine `Benchmarks/chat_engine.c`, "
                        "one per worker (no extensions offered; the agent socket on the built-in client)"}.get(
        p.get("client", "raw"), "`websockets` library (permessage-deflate %s)"
        % ("offered, like a browser" if p["compression"] == "browser" else "not offered"))
    out.append("- Load: `Benchmarks/chat_load.py` on the same box: %d visitor worker process(es) + 1 agent process, %s, %s; "
               "server-negotiated WebSocket extensions: %s. Open loop: send times fixed in advance, latency from each "
               "message's scheduled send time." % (p["workers"], "uvloop" if p["uvloop"] else "asyncio", client,
                                                     setup["open"].get("extensions") or "none"))
    if p.get("extra_agents"):
        x = r.get("extra_agents", {})
        out.append("- Fan-out: %d extra agent sockets (admins: each gets every event; a passive process counts the bytes "
                   "and sends a pong every 10 s), %s." % (p["extra_agents"], (
                       "%.1f MB received by each on average, %d closed by the server early, %d failed%s"
                       % (sum(x["bytes"]) / len(x["bytes"]) / 1e6, x["closed_early"], len(x.get("failed", [])),
                          (": " + x["failed"][0]) if x.get("failed") else "")) if "bytes" in x
                       else "no counts: %s" % x.get("error", "missing")))
    out.append("")

    def lat_cells(s, key):
        x = s["latency_ms"].get(key) or {}
        if not x.get("count"):
            return "—"
        return "%s / %s / %s / %s" % (fmt_ms(x["p50"]), fmt_ms(x["p99"]), fmt_ms(x["p999"]), fmt_ms(x["max"]))

    out.append("| visitor msg/s offered → acked | replies/s → delivered | visitor → ack (ms, p50 / p99 / p99.9 / max) "
               "| visitor → agent (ms) | agent reply → visitor (ms) | reply POST → 201 (ms) | client send lag p99 (ms) "
               "| errors | CPU server / client / other |")
    out.append("|---|---|---|---|---|---|---|---|---|")
    for s in steps:
        lag = s["latency_ms"].get("send_lag") or {}
        out.append("| %g → %.0f | %g → %.0f | %s | %s | %s | %s | %s | %d | %.0f%% / %.0f%% / %.0f%% |" % (
            s["rate"], s["throughput"]["acked_msgs_per_s"], s["reply_rate"], s["throughput"]["replies_delivered_per_s"],
            lat_cells(s, "ack"), lat_cells(s, "v2a"), lat_cells(s, "a2v"), lat_cells(s, "reply_http"),
            fmt_ms(lag.get("p99")), sum(s["errors"]["counts"].values()),
            s["cpu"]["server_pct"], s["cpu"]["client_pct"], s["cpu"]["other_pct"]))
    for d in r.get("discarded_steps", []):
        out.append("")
        out.append("Discarded and re-run: the %g msg/s step, during which other processes used %.0f%% of a core (%s); "
                   "its worst p99 was %s ms." % (d["rate"], d["other_pct"], d["top_mid_run"], fmt_ms(d["worst_p99_ms"])))
    if r.get("skipped_rates"):
        out.append("")
        out.append("Not run (an earlier step already fell behind, or its p99 exceeded 100× the target): %s msg/s." % ", ".join("%g" % x for x in r["skipped_rates"]))
    out.append("")
    out.append("| chats open | server RSS before → after opening the sockets (idle) | per idle connection | RSS after the last step |")
    out.append("|---|---|---|---|")
    out.append("| %d | %.0f → %.0f MiB | %s | %.0f MiB |" % (
        mem["open_sockets"], mem["before_kib"]["VmRSS"] / 1024, mem["after_kib"]["VmRSS"] / 1024,
        "—" if per_conn is None else "%.1f KiB" % (per_conn / 1024),
        steps[-1]["rss_end_kib"]["VmRSS"] / 1024 if steps else 0))
    out.append("")
    ol = setup["open"]["latency_ms"]
    wu = setup["warmup"]
    out.append("- Setup: %d sessions in %.1f s; %d sockets opened (upgrade + hello) in %.1f s, each p50 %s / p99 %s ms; "
               "warm-up (first message of every chat, creates its conversation) at %g/s: ack p50 %s / p99 %s / max %s ms, "
               "to the agent p99 %s ms."
               % (setup["sessions"]["created"], setup["sessions"]["seconds"], setup["open"]["opened"], setup["open"]["seconds"],
                  fmt_ms(ol["p50"]), fmt_ms(ol["p99"]), wu["rate"], fmt_ms(wu["ack_ms"]["p50"]), fmt_ms(wu["ack_ms"]["p99"]),
                  fmt_ms(wu["ack_ms"]["max"]), fmt_ms(wu["v2a_ms"]["p99"])))
    for s in steps:
        c = s["counts"]
        line = ("- Step %g msg/s: sent %d, acked %d, unacked after the drain %d; replies sent %d, 201 %d, delivered %d; "
                "acked but never on the agent socket %d; sockets closed by the server %d. CPU: server %.0f%%, "
                "load generator %.0f%% (%s), other %.0f%%. Busiest processes halfway: %s."
                % (s["rate"], c.get("sent", 0), c.get("acked", 0), c.get("unacked_at_end", 0), c.get("replies_sent", 0),
                   c.get("replies_201", 0), c.get("a2v_delivered", 0), c.get("acked_not_seen_by_agent", 0),
                   c.get("closed_during_run", 0), s["cpu"]["server_pct"], s["cpu"]["client_pct"],
                   s["cpu"].get("client_by_process", "?"), s["cpu"]["other_pct"], s.get("top_mid_run", "?")))
        out.append(line)
        if s["cpu"]["other_pct"] >= 20:
            out.append("  - **Warning:** %.0f%% of a core went to other work (see the busiest processes); this step is disturbed."
                       % s["cpu"]["other_pct"])
        for kind, ex in sorted(s["errors"]["examples"].items()):
            out.append("  - error `%s` ×%d, e.g. `%s`" % (kind, s["errors"]["counts"].get(kind, 0), ex[0].replace("`", "'")[:300]))
    se = setup.get("errors", {"counts": {}, "examples": {}})
    for kind, ex in sorted(se["examples"].items()):
        out.append("- Setup error `%s` ×%d, e.g. `%s`" % (kind, se["counts"].get(kind, 0), ex[0].replace("`", "'")[:300]))
    out.append("- Durability: %s. Server shutdown on SIGTERM: %s." % (durable_text, args.stop_status or "n/a"))

    good = [s for s in steps if step_ok(s, target_p99)]
    if good:
        best = max(good, key=lambda s: s["rate"])
        out.append("- Highest step with every p99 ≤ %g ms, all acknowledged, no errors: **%g msg/s** (worst p99 %s ms)."
                   % (target_p99, best["rate"], fmt_ms(step_p99(best))))
    elif steps:
        out.append("- No step kept every p99 ≤ %g ms with everything acknowledged and no errors." % target_p99)
    at_target = [s for s in steps if s["rate"] >= args.target_rate]
    verdict = []
    met_chats = mem["open_sockets"] >= args.target_chats
    verdict.append("%d chats (target %d) %s" % (mem["open_sockets"], args.target_chats, "ok" if met_chats else "MISSED"))
    if at_target:
        s = at_target[0]
        met_rate = s["throughput"]["acked_msgs_per_s"] >= 0.99 * args.target_rate
        p99 = step_p99(s)
        met_p99 = p99 is not None and p99 <= target_p99
        verdict.append("%.0f acked msg/s of %g offered (target %d) %s" % (s["throughput"]["acked_msgs_per_s"], s["rate"],
                                                                         args.target_rate, "ok" if met_rate else "MISSED"))
        verdict.append("worst p99 at that rate %s ms (target ≤ %g) %s" % (fmt_ms(p99), target_p99, "ok" if met_p99 else "MISSED"))
    else:
        met_rate = met_p99 = False
        verdict.append("not measured at %d msg/s" % args.target_rate)
    met_mem = per_conn is not None and per_conn <= args.target_conn_bytes
    verdict.append("%s per idle connection (target ≤ %d KiB) %s" % ("—" if per_conn is None else "%.1f KiB" % (per_conn / 1024),
                                                                 args.target_conn_bytes // 1024, "ok" if met_mem else "MISSED"))
    all_met = met_chats and met_rate and met_p99 and met_mem and durable is not False
    out.append("- Target (%d chats, %d msg/s, p99 ≤ %g ms, ≤ %d KiB per idle connection): %s — %s."
               % (args.target_chats, args.target_rate, target_p99, args.target_conn_bytes // 1024,
                  "met" if all_met else "NOT met", "; ".join(verdict)))
    sys.stdout.write("\n".join(out) + "\n")
    return 0 if durable is not False else 1


# --------------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--base", required=True)
    r.add_argument("--server-pid", type=int, required=True)
    r.add_argument("--email", required=True)
    r.add_argument("--password", required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--chats", type=int, default=10000)
    r.add_argument("--rate", default="5000",
                   help="aggregate visitor messages/s; several (\"500 1000 2000\") run as consecutive steps on the same sockets")
    r.add_argument("--duration", type=int, default=30, help="seconds per step")
    r.add_argument("--reply-rate", type=float, default=None, help="agent replies/s (default: --reply-fraction of the rate)")
    r.add_argument("--reply-fraction", type=float, default=0.1)
    r.add_argument("--warmup-rate", type=float, default=None, help="first messages/s (default: min(first rate, 1000))")
    r.add_argument("--workers", type=int, default=2)
    r.add_argument("--client", choices=("raw", "native", "websockets"), default="raw",
                   help="raw: the built-in lean WebSocket client (default); native: the visitor sockets in the compiled "
                        "engine Benchmarks/chat_engine.c; websockets: the library, as a cross-check")
    r.add_argument("--engine", help="--client native: the compiled engine (default: compile chat_engine.c with gcc)")
    r.add_argument("--compression", choices=("browser", "none"), default="browser",
                   help="--client websockets only: offer permessage-deflate like a browser (browser) or not")
    r.add_argument("--session-concurrency", type=int, default=16)
    r.add_argument("--open-concurrency", type=int, default=64)
    r.add_argument("--http-connections", type=int, default=128,
                   help="per visitor worker, for the agent replies (enough that they do not queue in the client)")
    r.add_argument("--reply-max-outstanding", type=int, default=2000)
    r.add_argument("--phase-timeout", type=float, default=120)
    r.add_argument("--drain", type=float, default=10)
    r.add_argument("--pause", type=float, default=5, help="seconds between steps")
    r.add_argument("--idle-settle", type=float, default=3)
    r.add_argument("--target-p99-ms", type=float, default=10)
    r.add_argument("--retries", type=int, default=1, help="re-runs of a step disturbed by other processes")
    r.add_argument("--retry-other-pct", type=float, default=30,
                   help="a step is disturbed when other processes used more than this %% of a core")
    r.add_argument("--no-uvloop", action="store_true")
    r.add_argument("--extra-agents", type=int, default=0,
                   help="more agent realtime sockets, passive, each receiving every event (fan-out cost)")
    r.add_argument("--perf-out", help="sample the server with perf record for 5 s halfway through the last step")
    s = sub.add_parser("report")
    s.add_argument("--out", required=True)
    s.add_argument("--db")
    s.add_argument("--stop-status")
    s.add_argument("--commit")
    s.add_argument("--build", default="release")
    s.add_argument("--target-chats", type=int, default=10000)
    s.add_argument("--target-rate", type=int, default=5000)
    s.add_argument("--target-p99-ms", type=float, default=10)
    s.add_argument("--target-conn-bytes", type=int, default=16 * 1024)
    args = ap.parse_args()
    if args.cmd == "run":
        if not args.base.startswith(("http://127.0.0.1:", "http://localhost:")):
            raise SystemExit("--base must be a loopback address (this generator only targets the local machine)")
        if uvloop is not None and not args.no_uvloop:
            uvloop.install()
        asyncio.run(parent_main(args))
        return 0
    return report(args)


if __name__ == "__main__":
    sys.exit(main())
