"""doku_checkout.contrib.django and .celery in a real Django shop: PostgreSQL (the cluster
tools/postgres/run.sh started, over verified TLS), real Celery worker processes on Redis
(tools/redis/run.sh), the emulator over loopback, and two real Django servers.

Each test's Django code runs in its own processes (``python -m djangoshop.scenario``, the Celery
workers, ``runserver``): Django is configured once per process, and this process already runs
the notification tests' project."""
import collections
import concurrent.futures
import json
import os
import pathlib
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

import pytest

import doku_checkout as dc
from doku_checkout.testing import MockServer, notification_body, sign_notification

HERE = pathlib.Path(__file__).parent
CLIENT_ID, SECRET = "MCH-SHOP-0001", "SK-SHOP-0123456789"


def required(name):
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run `make python-test` (it starts PostgreSQL and Redis), or tools/postgres/run.sh tools/redis/run.sh pytest ...")
    return value


@pytest.fixture(scope="module")
def doku():
    with MockServer(client_id=CLIENT_ID, secret_key=SECRET) as server:
        yield server


@pytest.fixture(scope="module")
def shop(doku):
    """A fresh database, migrated; the environment every shop process runs with."""
    import psycopg

    admin_url = required("DOKU_TEST_POSTGRES_URL")
    redis_url = required("DOKU_TEST_REDIS_URL")
    db = f"shop_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {db}")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "djangoshop.settings",
        "PYTHONPATH": str(HERE),
        "DOKU_SHOP_DB": db,
        "DOKU_SHOP_CLIENT_ID": CLIENT_ID,
        "DOKU_SHOP_SECRET_KEY": SECRET,
        "DOKU_SHOP_BASE_URL": doku.url,
        "DOKU_SHOP_QUEUE": f"doku-{db}",
        "DOKU_TEST_REDIS_URL": redis_url,
    }
    migrate = subprocess.run([sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"], env=env, capture_output=True, text=True, cwd=HERE)
    assert migrate.returncode == 0, migrate.stderr
    check = subprocess.run([sys.executable, "-m", "django", "makemigrations", "--check", "--dry-run", "doku_checkout"], env=env, capture_output=True, text=True, cwd=HERE)
    assert check.returncode == 0, "the shipped migrations match the models: " + check.stdout + check.stderr
    yield env
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE {db} WITH (FORCE)")


def step(env, name, *args, stdin=None):
    out = subprocess.run([sys.executable, "-m", "djangoshop.scenario", name, *args], env=env, capture_output=True, text=True, cwd=HERE, input=stdin)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def cancels(doku):
    """(invoice, Request-Id, changed an order) of every cancel the emulator received."""
    out = []
    for entry in doku.requests():
        if entry["path"] == "/checkout/v3/cancellations":
            body = json.loads(entry["body"])
            out.append((body["order"]["invoice_number"], entry["request_id"], entry["state_changed"]))
    return out


def test_create_cancel_and_apply_keep_the_order_right(shop, doku):
    created = step(shop, "create", "INV-SHOP-1", "150000")
    order = created["order"]
    assert order["checkout_request_id"] == created["request_id"] and order["state"] == "PENDING"
    # Creating again (a retry after a timeout) reuses the stored Request-Id.
    again = step(shop, "create", "INV-SHOP-1", "150000")
    assert again["order"]["checkout_request_id"] == order["checkout_request_id"]
    cancelled = step(shop, "cancel", "INV-SHOP-1", "Customer changed order")["order"]
    assert cancelled["state"] == "CANCELLED" and cancelled["cancel_request_id"]
    sent = [c for c in cancels(doku) if c[0] == "INV-SHOP-1"]
    assert [(c[1], c[2]) for c in sent] == [(cancelled["cancel_request_id"], True)]
    # Cancelling again: the same Request-Id, DOKU's replay, still CANCELLED.
    assert step(shop, "cancel", "INV-SHOP-1", "again")["order"]["state"] == "CANCELLED"
    assert {c[1] for c in cancels(doku) if c[0] == "INV-SHOP-1"} == {cancelled["cancel_request_id"]}

    # A paid order: DOKU refuses, the refusal is typed, and the order learns it is PAID.
    doku.add_order("INV-SHOP-PAID", original_request_id="create-paid")
    doku.mark_paid("INV-SHOP-PAID")
    step(shop, "record", "INV-SHOP-PAID:create-paid")
    refused = step(shop, "cancel", "INV-SHOP-PAID", "stale")
    assert (refused["error"], refused["retryable"], refused["order"]["state"]) == ("order_not_cancellable", False, "PAID")
    # Known PAID here: refused without asking DOKU again.
    before = len(cancels(doku))
    assert step(shop, "cancel", "INV-SHOP-PAID", "stale")["reason"] == "order_paid"
    assert len(cancels(doku)) == before

    # The lifecycle never moves back: late PENDING after PAID, an anomaly for CANCELLED after PAID.
    assert step(shop, "apply", "INV-SHOP-PAID", "PENDING")["outcome"] == "unchanged"
    odd = step(shop, "apply", "INV-SHOP-PAID", "CANCELLED")
    assert (odd["outcome"], odd["order"]["state"], odd["order"]["anomaly"]) == ("anomaly", "PAID", "PAID->CANCELLED")

    # An order the shop never recorded: cancelled by invoice, its row made on the way.
    doku.add_order("INV-SHOP-UNKNOWN", original_request_id="create-unknown")
    assert step(shop, "cancel", "INV-SHOP-UNKNOWN", "stale")["order"]["state"] == "CANCELLED"

    # doku_reconcile: an open order that expired at DOKU moves to EXPIRED.
    doku.add_order("INV-SHOP-EXP", original_request_id="create-exp")
    step(shop, "record", "INV-SHOP-EXP:create-exp")
    doku.mark_expired("INV-SHOP-EXP")
    reconciled = step(shop, "reconcile", "0")
    assert reconciled["ok"] and "apply 1," in reconciled["summary"], reconciled
    assert step(shop, "order", "INV-SHOP-EXP")["order"]["state"] == "EXPIRED"

    # The Celery task's own result for a refusal: the code, not a retry.
    result = step(shop, "task", "INV-SHOP-PAID", "stale")
    assert (result["error"], result["reason"], result["state"]) == ("order_not_cancellable", "order_paid", "PAID")

    # An error no retry fixes (a wrong Secret Key after a deploy): the task fails, it is not "done".
    step(shop, "create", "INV-SHOP-KEY", "1000")
    failed = step({**shop, "DOKU_SHOP_SECRET_KEY": "SK-WRONG-0123456789"}, "task", "INV-SHOP-KEY", "stale")
    assert failed == {"failed": "AuthenticationError", "code": "authentication_failed"}, failed
    assert step(shop, "task", "INV-SHOP-KEY", "stale")["state"] == "CANCELLED"


def worker(env, name):
    """A Celery worker (prefork, 4 processes) in its own process group, so SIGKILL takes all of it."""
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "djangoshop", "worker", "--pool", "prefork", "--concurrency", "4", "--loglevel", "WARNING",
         "--without-mingle", "--without-gossip", "-n", f"{name}@%h"],
        env=env, cwd=HERE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )


def kill(process):
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def test_celery_workers_killed_mid_batch_cancel_each_order_once(shop, doku):
    invoices = [f"INV-CELERY-{i:03d}" for i in range(200)]
    for invoice in invoices:
        doku.add_order(invoice, original_request_id=f"create-{invoice}")
    # Half were created through create_checkout (their checkout Request-Id is stored); the
    # other half are cancelled by invoice.
    step(shop, "record", *[f"{i}:create-{i}" for i in invoices[:100]])
    # Lost answers (DOKU acted, the worker never heard), refusals to retry, slow answers.
    doku.inject_fault("reset_after", count=10)
    doku.inject_fault("status", status=503, count=20)
    doku.inject_fault("delay_after", ms=2000, count=5)
    assert step(shop, "enqueue", "stale order", stdin="\n".join(invoices))["enqueued"] == 200
    workers = [worker(shop, "w1"), worker(shop, "w2")]
    started, killed = time.monotonic(), 0
    try:
        while len({c[0] for c in cancels(doku)}) < 40:
            assert time.monotonic() - started < 60, "the workers sent nothing"
            time.sleep(0.1)
        kill(workers[0])  # mid-batch, the whole process group, as a lost machine would be
        killed += 1
        # Redis hands a dead worker's unacknowledged tasks to another once they are older than
        # the visibility timeout (6 s here); kombu looks when a worker starts (and every 100 s).
        time.sleep(7)
        workers[0] = worker(shop, "w3")
        while True:
            states = step(shop, "states")["states"]
            if sum(states.get(i) == "CANCELLED" for i in invoices) == len(invoices):
                break
            assert time.monotonic() - started < 120, f"not all cancelled: {collections.Counter(states.get(i) for i in invoices)}"
            time.sleep(0.5)
    finally:
        for w in workers:
            kill(w)
    assert killed == 1
    by_invoice = collections.defaultdict(set)
    for invoice, request_id, _ in cancels(doku):
        by_invoice[invoice].add(request_id)
    stored = step(shop, "states")["cancel_ids"]
    for invoice in invoices:
        assert len(by_invoice[invoice]) == 1, f"{invoice} went out under {sorted(by_invoice[invoice])}"
        assert by_invoice[invoice] == {stored[invoice]}, invoice
        assert doku.order(invoice)["state"] == "CANCELLED"
    assert sum(1 for c in cancels(doku) if c[0] in set(invoices) and c[2]) == len(invoices), "each order cancelled once"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server(env):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
                               env=env, cwd=HERE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline, "runserver did not start"
            time.sleep(0.1)


def test_one_notification_sent_100_times_to_two_instances_ships_once(shop, doku):
    invoice = "INV-NOTIFY-1"
    step(shop, "record", f"{invoice}:create-{invoice}")
    body = notification_body(invoice_number=invoice, amount=150000, original_request_id=f"create-{invoice}")
    headers = sign_notification(secret_key=SECRET, client_id=CLIENT_ID, body=body, notification_path="/payments/notifications")
    instances = [server(shop), server(shop)]
    try:
        def post(n):
            url = instances[n % 2][1] + "/payments/notifications"
            request = urllib.request.Request(url, data=body.encode(), headers={**headers, "Content-Type": "application/json"}, method="POST")
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status

        with concurrent.futures.ThreadPoolExecutor(32) as pool:
            statuses = list(pool.map(post, range(100)))
    finally:
        for process, _ in instances:
            kill(process)
    assert statuses == [200] * 100
    import psycopg

    dsn = os.environ["DOKU_TEST_POSTGRES_URL"].rsplit("/", 1)[0] + "/" + shop["DOKU_SHOP_DB"]
    with psycopg.connect(dsn) as conn:
        shipments = conn.execute("SELECT count(*) FROM djangoshop_shipment WHERE invoice_number = %s", (invoice,)).fetchone()[0]
        receipts = conn.execute("SELECT count(*) FROM doku_checkout_notification WHERE invoice_number = %s", (invoice,)).fetchone()[0]
    assert (shipments, receipts) == (1, 1), "the view's effect happened once"
    assert step(shop, "order", invoice)["order"]["state"] == "PAID"


def test_a_cancel_inside_a_transaction_is_refused_before_anything_is_sent(shop, doku):
    before = len(cancels(doku))
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n"
         "from django.db import transaction\nfrom doku_checkout.contrib.django import orders\n"
         "with transaction.atomic():\n    orders.cancel_order('INV-SHOP-ATOMIC', 'stale')\n"],
        env=shop, capture_output=True, text=True, cwd=HERE,
    )
    assert out.returncode != 0 and "runs outside a transaction" in out.stderr, out.stderr
    assert len(cancels(doku)) == before


def test_a_handler_that_fails_rolls_back_and_dokus_retry_runs_it_again(shop, doku, tmp_path):
    invoice = "INV-FLAKY-1"
    env = {**shop, "DOKU_SHOP_FLAKY_FLAG": str(tmp_path / "failed-once")}
    body = notification_body(invoice_number=invoice, amount=20000, original_request_id=f"create-{invoice}")
    headers = sign_notification(secret_key=SECRET, client_id=CLIENT_ID, body=body, notification_path="/payments/flaky")
    process, url = server(env)
    try:
        def post():
            request = urllib.request.Request(url + "/payments/flaky", data=body.encode(), headers={**headers, "Content-Type": "application/json"}, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:
                    return answer.status
            except urllib.error.HTTPError as e:
                return e.code

        statuses = [post(), post(), post()]  # the first fails, DOKU retries, then a late copy
    finally:
        kill(process)
    assert statuses == [503, 200, 200]
    import psycopg

    dsn = os.environ["DOKU_TEST_POSTGRES_URL"].rsplit("/", 1)[0] + "/" + shop["DOKU_SHOP_DB"]
    with psycopg.connect(dsn) as conn:
        shipments = conn.execute("SELECT count(*) FROM djangoshop_shipment WHERE invoice_number = %s", (invoice,)).fetchone()[0]
        receipts = conn.execute("SELECT count(*) FROM doku_checkout_notification WHERE invoice_number = %s", (invoice,)).fetchone()[0]
    assert (shipments, receipts) == (1, 1), "the failed try left nothing; the retry shipped once"
