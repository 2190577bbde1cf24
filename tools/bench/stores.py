#!/usr/bin/env python3
"""Orders settled per second by `cancel-batch` on each store, against a release emulator.

Run by `make bench-stores` beside a throwaway PostgreSQL (tools/postgres/run.sh), with the
release CLI as both the emulator and the workers. For each store (the JSONL journal, SQLite,
PostgreSQL) and each worker count it loads ORDERS fresh orders into a fresh emulator, starts the
workers at once, and times until the last one exits; every order must end cancelled. The
journal allows one process, so it runs with one worker only. Three rounds; the median is shown.
BENCH_STORES=journal,sqlite limits the stores; BENCH_ORDERS sets the orders per run.
"""
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

CLI = os.environ["DOKU_CLI"]
PG = os.environ["DOKU_TEST_POSTGRES_URL"]
ORDERS = int(os.environ.get("BENCH_ORDERS", "3000"))
ROUNDS = 3
SECRET, CLIENT_ID = "SK-BENCH-STORES", "MCH-BENCH-STORES"
ENV = {**os.environ, "DOKU_SECRET_KEY": SECRET, "DOKU_CLIENT_ID": CLIENT_ID}


def emulator():
    proc = subprocess.Popen([CLI, "mock", "--client-id", CLIENT_ID], env=ENV, stdout=subprocess.PIPE, text=True)
    url = proc.stdout.readline().strip().removeprefix("listening on ")
    return proc, url


def control(url, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url + path, data=data, method="POST" if data else "GET", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as answer:
        return json.load(answer)


def one_round(kind, workers, tag, work):
    proc, url = emulator()
    try:
        invoices = [f"INV-{tag}-{i:06d}" for i in range(ORDERS)]
        control(url, "/_mock/setup", {"orders": [{"invoice_number": i, "original_request_id": f"create-{i}"} for i in invoices]})
        orders = work / f"{tag}.csv"
        orders.write_text("invoice_number,original_request_id,note\n" + "".join(f"{i},create-{i},bench\n" for i in invoices))
        where = {"journal": ["--journal", str(work / f"{tag}.jsonl")],
                 "sqlite": ["--store", f"sqlite:{work / (tag + '.sqlite')}"],
                 "postgres": ["--store", PG, "--batch-id", tag]}[kind]
        cmd = [CLI, "cancel-batch", "--base-url", url, "--input", str(orders), "--concurrency", "16", "--timeout", "5", *where]
        start = time.perf_counter()
        running = [subprocess.Popen(cmd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(workers)]
        codes = [p.wait() for p in running]
        elapsed = time.perf_counter() - start
        assert codes == [0] * workers, f"{kind} x{workers}: exit codes {codes}"
        log = control(url, "/_mock/log")
        changed = sum(1 for e in log if e["state_changed"])
        assert changed == ORDERS, f"{kind} x{workers}: {changed} of {ORDERS} cancelled"
        return ORDERS / elapsed
    finally:
        proc.kill()
        proc.wait()


def main():
    work = pathlib.Path(tempfile.mkdtemp(prefix="doku-bench-stores-"))
    try:
        plan = [("journal", 1), ("sqlite", 1), ("sqlite", 2), ("sqlite", 4), ("postgres", 1), ("postgres", 2), ("postgres", 4)]
        only = os.environ.get("BENCH_STORES")  # e.g. "journal,sqlite" for a subset
        if only:
            plan = [case for case in plan if case[0] in only.split(",")]
        rates = {case: [] for case in plan}
        for r in range(ROUNDS):
            for kind, workers in plan:  # alternating, so drift on the machine hits every case alike
                rates[(kind, workers)].append(one_round(kind, workers, f"{kind}{workers}r{r}{os.getpid()}", work))
        print(f"\ncancel-batch, {ORDERS} orders per run, 16 in flight per worker, release emulator; median of {ROUNDS} rounds")
        print("| store | workers | orders/s | ms per order (1 worker) |")
        print("|---|---|---|---|")
        for (kind, workers), values in rates.items():
            median = statistics.median(values)
            per = f"{1000 / median:.3f}" if workers == 1 else ""
            print(f"| {kind} | {workers} | {median:,.0f} | {per} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
