"""Python benchmarks: doku_checkout against the plain-Python way, in the same run.

1. sign_request vs hmac/hashlib/base64 (timeit).
2. Client.cancel_order vs requests + hmac, against the emulator (MockServer in a separate
   process so the client's process does only client work), sequential and 16 threads.

Run: make bench-python (builds a release wheel into build/py-bench).
"""
import base64
import hashlib
import hmac
import json
import multiprocessing
import statistics
import sys
import threading
import time
import timeit
import uuid
from datetime import datetime, timezone

import requests

import doku_checkout as dc
from doku_checkout.testing import MockServer

CLIENT_ID = "MCH-BENCH-0001"
SECRET = "SK-BENCH-0123456789"
BODY = b'{"order":{"invoice_number":"INV-20210231-0001"},"payment":{"original_request_id":"fdb69f47-96da-499d-acec-7cdc318ab2fe"},"note":"Customer changed order"}'


def plain_sign(client_id, secret, request_id, timestamp, target, body):
    digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
    text = f"Client-Id:{client_id}\nRequest-Id:{request_id}\nRequest-Timestamp:{timestamp}\nRequest-Target:{target}\nDigest:{digest}"
    return "HMACSHA256=" + base64.b64encode(hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()).decode()


def bench_sign():
    args = dict(client_id="MCH-0001-10791114622547", request_id="3f1d2c9e-6b7a-4e55-9f0a-1c2d3e4f5a6b", timestamp="2020-08-11T08:45:42Z", request_target="/checkout/v3/cancellations", body=BODY)
    assert dc.sign_request(secret_key="SK-TEST-ONLY-0123456789", **args) == plain_sign("MCH-0001-10791114622547", "SK-TEST-ONLY-0123456789", args["request_id"], args["timestamp"], args["request_target"], BODY)
    n = 50_000
    ours = min(timeit.repeat(lambda: dc.sign_request(secret_key="SK-TEST-ONLY-0123456789", **args), number=n, repeat=5)) / n
    plain = min(timeit.repeat(lambda: plain_sign("MCH-0001-10791114622547", "SK-TEST-ONLY-0123456789", args["request_id"], args["timestamp"], args["request_target"], BODY), number=n, repeat=5)) / n
    print(f"sign_request (doku_checkout)            {ours * 1e6:8.2f} µs/op")
    print(f"sign (hmac + hashlib + base64)          {plain * 1e6:8.2f} µs/op")
    print(f"  ratio plain/ours                      {plain / ours:8.2f}x (above 1: ours is faster)\n")


def plain_cancel(session, url, invoice):
    body = json.dumps({"order": {"invoice_number": invoice}, "payment": {"original_request_id": f"orig-{invoice}"}, "note": "bench"}, separators=(",", ":")).encode()
    rid = str(uuid.uuid4())
    ts = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    sig = plain_sign(CLIENT_ID, SECRET, rid, ts, "/checkout/v3/cancellations", body)
    r = session.post(f"{url}/checkout/v3/cancellations", data=body, headers={"Client-Id": CLIENT_ID, "Request-Id": rid, "Request-Timestamp": ts, "Signature": sig, "Content-Type": "application/json"}, timeout=30)
    return r.status_code == 200


def serve(queue, n):
    with MockServer(client_id=CLIENT_ID, secret_key=SECRET) as doku:
        for prefix in ("OS", "OT", "PS", "PT"):
            doku.setup([{"invoice_number": f"{prefix}-{i}", "original_request_id": f"orig-{prefix}-{i}"} for i in range(n)])
        queue.put(doku.url)
        queue.get()  # wait for "stop"


def run(label, total, threads, fn):
    counter = iter(range(total))
    lock = threading.Lock()
    failures = []

    def worker():
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            if not fn(i):
                failures.append(i)

    cpu0, t0 = time.process_time(), time.perf_counter()
    ts = [threading.Thread(target=worker) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    assert not failures, f"{label}: {len(failures)} failed"
    print(f"{label:<40} {total / wall:8.0f} cancels/s  {cpu / total * 1e6:8.1f} µs CPU/call")
    return total / wall


def bench_cancel():
    n = 3000
    ctx = multiprocessing.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=serve, args=(q, n))
    p.start()
    url = q.get()
    client = dc.Client(CLIENT_ID, SECRET, base_url=url)
    local = threading.local()

    def session():
        if not hasattr(local, "s"):
            local.s = requests.Session()
        return local.s

    for label, threads, ours_prefix, plain_prefix, count in (("sequential", 1, "OS", "PS", 1500), ("16 threads", 16, "OT", "PT", 3000)):
        ours = run(f"Client.cancel_order, {label}", count, threads, lambda i: client.cancel_order(invoice_number=f"{ours_prefix}-{i}", original_request_id=f"orig-{ours_prefix}-{i}", note="bench").order_status == "CANCELLED")
        plain = run(f"requests + hmac, {label}", count, threads, lambda i: plain_cancel(session(), url, f"{plain_prefix}-{i}"))
        print(f"  ratio ours/plain                      {ours / plain:8.2f}x throughput\n")
    q.put("stop")
    p.join()


if __name__ == "__main__":
    print(f"Python {sys.version.split()[0]}, doku_checkout {dc.__version__}\n")
    bench_sign()
    bench_cancel()
