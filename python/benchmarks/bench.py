"""Python benchmarks: doku_checkout against the fastest common Python clients, in the same run.

1. sign_request vs hmac/hashlib/base64 (timeit).
2. The same signed status GET (`GET /orders/v1/status/{invoice}`) through
   - Client.order_status with 16 threads vs httpx.Client (16 threads) + hmac,
   - AsyncClient.order_status with 64 in flight vs aiohttp (64 in flight) + hmac,
   against a fresh release-built emulator (`doku-checkout mock`, $DOKU_CLI) started for every
   round, so neither side inherits the other's server state. Three alternating rounds per
   pair; the medians are reported, with the client process's CPU time per call.

Run: make bench-python (builds a release wheel into build/py-bench and the release CLI).
"""
import asyncio
import base64
import hashlib
import hmac
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import timeit
import urllib.request
import uuid
from datetime import datetime, timezone

import aiohttp
import httpx

import doku_checkout as dc

CLIENT_ID = "MCH-BENCH-0001"
SECRET = "SK-BENCH-0123456789"
INVOICE = "INV-BENCH-0001"
STATUS_PATH = f"/orders/v1/status/{INVOICE}"
BODY = b'{"order":{"invoice_number":"INV-20210231-0001"},"payment":{"original_request_id":"fdb69f47-96da-499d-acec-7cdc318ab2fe"},"note":"Customer changed order"}'
ROUNDS = 3


def plain_sign(client_id, secret, request_id, timestamp, target, body=None):
    text = f"Client-Id:{client_id}\nRequest-Id:{request_id}\nRequest-Timestamp:{timestamp}\nRequest-Target:{target}"
    if body is not None:
        text += "\nDigest:" + base64.b64encode(hashlib.sha256(body).digest()).decode()
    return "HMACSHA256=" + base64.b64encode(hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()).decode()


def plain_status_headers():
    """What a hand-written client sends: a fresh Request-Id and timestamp, signed."""
    rid = str(uuid.uuid4())
    ts = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"Client-Id": CLIENT_ID, "Request-Id": rid, "Request-Timestamp": ts, "Signature": plain_sign(CLIENT_ID, SECRET, rid, ts, STATUS_PATH)}


def bench_sign():
    args = dict(client_id="MCH-0001-10791114622547", request_id="3f1d2c9e-6b7a-4e55-9f0a-1c2d3e4f5a6b", timestamp="2020-08-11T08:45:42Z", request_target="/checkout/v3/cancellations", body=BODY)
    assert dc.sign_request(secret_key="SK-TEST-ONLY-0123456789", **args) == plain_sign("MCH-0001-10791114622547", "SK-TEST-ONLY-0123456789", args["request_id"], args["timestamp"], args["request_target"], BODY)
    n, ours, plain, sign = 20_000, [], [], dc.sign_request
    # Alternating short batches: at ~2 µs per call the machine's drift is as large as the
    # difference, so each batch of ours is compared with the batch of plain right after it.
    for _ in range(15):
        # Keywords written out, as a caller writes them (`**args` would add a dict merge that
        # the positional plain call does not pay).
        ours.append(timeit.timeit(lambda: sign(client_id="MCH-0001-10791114622547", secret_key="SK-TEST-ONLY-0123456789", request_id="3f1d2c9e-6b7a-4e55-9f0a-1c2d3e4f5a6b", timestamp="2020-08-11T08:45:42Z", request_target="/checkout/v3/cancellations", body=BODY), number=n) / n)
        plain.append(timeit.timeit(lambda: plain_sign("MCH-0001-10791114622547", "SK-TEST-ONLY-0123456789", args["request_id"], args["timestamp"], args["request_target"], BODY), number=n) / n)
    ratios = sorted(p / o for o, p in zip(ours, plain))
    print(f"sign_request (doku_checkout)                 {min(ours) * 1e6:8.2f} µs/op (best of 15 batches)")
    print(f"sign (hmac + hashlib + base64)               {min(plain) * 1e6:8.2f} µs/op")
    print(f"  ratio plain/ours                           {statistics.median(ratios):8.2f}x median of 15 back-to-back batch pairs (range {ratios[0]:.2f}-{ratios[-1]:.2f}; above 1: ours is faster)\n")


class Emulator:
    """A fresh release-built emulator in its own process, with the one order the GETs ask for."""

    def __enter__(self):
        env = {**os.environ, "DOKU_SECRET_KEY": SECRET}
        self.proc = subprocess.Popen([os.environ["DOKU_CLI"], "mock", "--port", "0", "--client-id", CLIENT_ID], stdout=subprocess.PIPE, env=env)
        self.url = self.proc.stdout.readline().decode().removeprefix("listening on ").strip()
        spec = json.dumps({"orders": [{"invoice_number": INVOICE, "original_request_id": "orig-bench"}]}).encode()
        urllib.request.urlopen(urllib.request.Request(self.url + "/_mock/setup", data=spec, method="POST")).read()
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait()


def measure(total, run):
    cpu0, t0 = time.process_time(), time.perf_counter()
    run(total)
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return total / wall, cpu / total * 1e6


def threaded(threads, call):
    def run(total):
        counter = iter(range(total))
        lock = threading.Lock()
        failures = []

        def worker():
            while True:
                with lock:
                    if next(counter, None) is None:
                        return
                if not call():
                    failures.append(1)

        ts = [threading.Thread(target=worker) for _ in range(threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        assert not failures, f"{len(failures)} calls failed"

    return run


def in_flight(width, make_session, call):
    def run(total):
        async def main():
            remaining = [total]
            async with make_session() as session:

                async def worker():
                    while remaining[0] > 0:
                        remaining[0] -= 1
                        assert await call(session)

                await asyncio.gather(*(worker() for _ in range(width)))

        asyncio.run(main())

    return run


class _NoSession:
    async def __aenter__(self):
        return None

    async def __aexit__(self, *exc):
        return None


def ours_sync(url):
    client = dc.Client(CLIENT_ID, SECRET, base_url=url)
    return threaded(16, lambda: client.order_status(INVOICE).status == "PENDING")


def httpx_sync(url):
    client = httpx.Client(base_url=url, timeout=30)
    return threaded(16, lambda: client.get(STATUS_PATH, headers=plain_status_headers()).status_code == 200)


def ours_async(url):
    client = dc.AsyncClient(CLIENT_ID, SECRET, base_url=url)

    async def call(_):
        return (await client.order_status(INVOICE)).status == "PENDING"

    return in_flight(64, _NoSession, call)


def aiohttp_async(url):
    def session():
        return aiohttp.ClientSession(base_url=url, connector=aiohttp.TCPConnector(limit=64), timeout=aiohttp.ClientTimeout(total=30))

    async def call(s):
        async with s.get(STATUS_PATH, headers=plain_status_headers()) as r:
            await r.read()
            return r.status == 200

    return in_flight(64, session, call)


def compare(title, total, ours, anchor, anchor_name):
    results = {"ours": [], "anchor": []}
    for _ in range(ROUNDS):  # alternating, each against a fresh emulator
        for side, make in (("ours", ours), ("anchor", anchor)):
            with Emulator() as emu:
                run = make(emu.url)
                run(200)  # warm: connections, pools, the runtime
                results[side].append(measure(total, run))
    (o_rate, o_cpu), (a_rate, a_cpu) = ([statistics.median(x) for x in zip(*results[s])] for s in ("ours", "anchor"))
    print(f"{title}: medians of {ROUNDS} alternating rounds, {total} calls each")
    print(f"  doku_checkout                              {o_rate:8.0f} calls/s  {o_cpu:8.1f} µs CPU/call")
    print(f"  {anchor_name:<42} {a_rate:8.0f} calls/s  {a_cpu:8.1f} µs CPU/call")
    print(f"  ratio ours/{anchor_name.split()[0]:<32} {o_rate / a_rate:8.2f}x throughput, {a_cpu / o_cpu:.2f}x less CPU per call\n")


def bench_tracing(total=20_000):
    """What tracing costs (status GETs, 16 threads, as above): with OpenTelemetry imported but no
    tracer provider configured (the check each call makes), then with the SDK configured and
    exporting to nowhere. In-process the provider cannot be unset, so the untraced rounds come
    first; medians of three rounds each on a fresh emulator."""
    import opentelemetry.trace as otel_trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult

    from doku_checkout import _observe

    def rounds():
        out = []
        for _ in range(ROUNDS):
            with Emulator() as emu:
                run = ours_sync(emu.url)
                run(200)
                out.append(measure(total, run))
        return [statistics.median(x) for x in zip(*out)]

    check = min(timeit.repeat(lambda: _observe.start("order_status", INVOICE), number=100_000, repeat=5)) / 100_000 * 1e6
    u_rate, u_cpu = rounds()

    class Discard(SpanExporter):
        def export(self, spans):
            return SpanExportResult.SUCCESS

    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(Discard()))
    otel_trace.set_tracer_provider(provider)
    t_rate, t_cpu = rounds()
    print(f"tracing, status GET, 16 threads: medians of {ROUNDS} rounds, {total} calls each")
    print(f"  nothing configured (OpenTelemetry imported) {u_rate:8.0f} calls/s  {u_cpu:8.1f} µs CPU/call")
    print(f"    of which the per-call check               {check:8.2f} µs ({check / u_cpu * 100:.1f}% of a call's CPU)")
    print(f"  OpenTelemetry SDK, spans exported           {t_rate:8.0f} calls/s  {t_cpu:8.1f} µs CPU/call ({t_rate / u_rate:.2f}x throughput)\n")


if __name__ == "__main__":
    print(f"Python {sys.version.split()[0]}, doku_checkout {dc.__version__}, httpx {httpx.__version__}, aiohttp {aiohttp.__version__}\n")
    bench_sign()
    compare("status GET, 16 threads", 20_000, ours_sync, httpx_sync, "httpx.Client + hmac")
    compare("status GET, 64 in flight (asyncio)", 20_000, ours_async, aiohttp_async, "aiohttp + hmac")
    bench_tracing()
