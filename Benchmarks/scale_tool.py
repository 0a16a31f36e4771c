#!/usr/bin/env python3
"""Helpers for Benchmarks/scale.sh.

  scale_tool.py merge FILE:WEIGHT ...
      Merges latency distributions written by ingest.lua (LATENCY_FILE: 1,000 lines "percentile
      microseconds" and "100 max") of several wrk processes, each weighted by its request count;
      prints "p50_ms=.. p90_ms=.. p99_ms=.. max_ms=..".

  scale_tool.py latency --ws BASE --post BASE --token T --inbox ID --inbound-token T [--rate 200] [--seconds 10]
      An agent realtime socket on --ws while inbound messages are posted to --post at a fixed rate
      (open loop: message i is due at start + i/rate), spread over --contacts (100) customers whose
      conversations a warm-up pass opens first. Latency of each message = frame arrival on the
      socket minus the moment its POST request was written to the connection (aiohttp's
      on_request_headers_sent; a request waiting for a free connection is not yet sent). Also the POST
      answer time, and frame arrival minus answer arrival (the delivery path after the commit; negative
      when the frame wins). Prints one line "LATENCY sent=.. received=.. p50_ms=.. p99_ms=.. max_ms=..
      post_p50_ms=.. post_p99_ms=.. after_answer_p50_ms=.. after_answer_p99_ms=.. late_sends=.." and
      exits 0 (1 when the socket never became live).
Loopback only; every wait is bounded.
"""
import argparse
import asyncio
import json
import secrets
import sys
import time


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, int(round(p / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[index]


def merge(specs):
    points = []  # (microseconds, weight)
    maximum = 0
    for spec in specs:
        path, weight = spec.rsplit(":", 1)
        weight = float(weight)
        with open(path) as f:
            for line in f:
                p, value = line.split()
                if p == "100":
                    maximum = max(maximum, int(value))
                else:
                    points.append((int(value), weight / 1000.0))
    points.sort()
    total = sum(w for _, w in points)
    out = {}
    for name, p in (("p50_ms", 50), ("p90_ms", 90), ("p99_ms", 99)):
        target, running, value = total * p / 100, 0.0, points[-1][0] if points else 0
        for micros, weight in points:
            running += weight
            if running >= target:
                value = micros
                break
        out[name] = value / 1000
    out["max_ms"] = maximum / 1000
    print(" ".join(f"{k}={v:.2f}" for k, v in out.items()))


async def latency(args):
    import aiohttp
    run = secrets.token_hex(3)
    sent_at, answered_at, arrived_at, post_ms = {}, {}, {}, []
    errors = []
    ws_url = args.ws.replace("http://", "ws://") + f"/api/v1/realtime?token={args.token}"
    timeout = aiohttp.ClientTimeout(total=30)
    connector = aiohttp.TCPConnector(limit=args.connections)
    trace = aiohttp.TraceConfig()

    async def headers_sent(session, context, params):
        key = context.trace_request_ctx
        if key is not None and key not in sent_at:
            sent_at[key] = time.perf_counter()

    trace.on_request_headers_sent.append(headers_sent)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector, trust_env=False,
                                     trace_configs=[trace]) as session:
        ws = await session.ws_connect(ws_url, autoping=True, max_msg_size=0, timeout=aiohttp.ClientWSTimeout(ws_close=2))
        live = asyncio.Event()

        async def reader():
            async for msg in ws:
                now = time.perf_counter()
                if msg.type != aiohttp.WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                if frame.get("type") != "message.created":
                    continue
                content = frame.get("data", {}).get("content", "")
                if content.startswith(f"lat-{run}-probe"):
                    live.set()
                elif content.startswith(f"lat-{run}-") and content not in arrived_at:
                    arrived_at[content] = now

        read_task = asyncio.create_task(reader())
        path = f"/api/v1/inboxes/{args.inbox}/incoming"
        headers = {"X-Inbox-Token": args.inbound_token, "Content-Type": "application/json"}

        async def post(content, contact=0):
            body = json.dumps({"external_id": content, "content": content,
                               "contact": {"external_id": f"lat-{run}-{contact}", "name": f"Latency {contact}"}})
            is_probe = content.startswith(f"lat-{run}-probe")
            try:
                async with session.post(args.post + path, data=body, headers=headers,
                                        trace_request_ctx=None if is_probe else content) as response:
                    await response.read()
                    if response.status not in (200, 201):
                        errors.append(response.status)
            except Exception as error:  # noqa: BLE001 - counted, never fatal
                errors.append(repr(error))
            if not is_probe and content in sent_at:
                answered_at[content] = time.perf_counter()
                post_ms.append((answered_at[content] - sent_at[content]) * 1000)

        # Live check: the probe must arrive before the measured phase starts.
        for attempt in range(20):
            await post(f"lat-{run}-probe{attempt}")
            try:
                await asyncio.wait_for(live.wait(), 1.0)
                break
            except asyncio.TimeoutError:
                pass
        if not live.is_set():
            print("LATENCY error=socket_never_live")
            return 1
        # Warm-up (not measured): the contacts and their conversations exist before the measured phase,
        # whose messages are spread over them (one customer does not write 200 messages a second).
        warm = [asyncio.create_task(post(f"lat-{run}-probe-warm{c}", c)) for c in range(args.contacts)]
        await asyncio.wait(warm, timeout=30)
        total = int(args.rate * args.seconds)
        start = time.perf_counter() + 0.1
        tasks, late = [], 0
        for i in range(total):
            due = start + i / args.rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            elif delay < -0.005:
                late += 1
            tasks.append(asyncio.create_task(post(f"lat-{run}-{i}", i % args.contacts)))
        await asyncio.wait(tasks, timeout=15)
        deadline = time.perf_counter() + 5
        while len(arrived_at) < len(sent_at) and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)
        read_task.cancel()
        await ws.close()
    values = sorted((arrived_at[k] - sent_at[k]) * 1000 for k in arrived_at if k in sent_at)
    after_answer = sorted((arrived_at[k] - answered_at[k]) * 1000 for k in arrived_at if k in answered_at)
    posts = sorted(post_ms)
    print(f"LATENCY sent={len(sent_at)} received={len(values)} errors={len(errors)} "
          f"p50_ms={percentile(values, 50):.2f} p90_ms={percentile(values, 90):.2f} p99_ms={percentile(values, 99):.2f} "
          f"max_ms={(values[-1] if values else float('nan')):.2f} "
          f"post_p50_ms={percentile(posts, 50):.2f} post_p99_ms={percentile(posts, 99):.2f} "
          f"after_answer_p50_ms={percentile(after_answer, 50):.2f} after_answer_p99_ms={percentile(after_answer, 99):.2f} "
          f"late_sends={late}"
          + (f" first_error={str(errors[0]).replace(' ', '_')[:80]}" if errors else ""))
    return 0


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    m = sub.add_parser("merge")
    m.add_argument("specs", nargs="+")
    lat = sub.add_parser("latency")
    lat.add_argument("--ws", required=True)
    lat.add_argument("--post", required=True)
    lat.add_argument("--token", required=True)
    lat.add_argument("--inbox", required=True)
    lat.add_argument("--inbound-token", required=True)
    lat.add_argument("--rate", type=float, default=200)
    lat.add_argument("--seconds", type=float, default=10)
    lat.add_argument("--connections", type=int, default=64)
    lat.add_argument("--contacts", type=int, default=100)
    args = parser.parse_args()
    if args.command == "merge":
        merge(args.specs)
        return 0
    return asyncio.run(asyncio.wait_for(latency(args), args.seconds + 60))


if __name__ == "__main__":
    sys.exit(main())
