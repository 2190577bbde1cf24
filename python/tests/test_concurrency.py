"""GIL release, asyncio concurrency and fork safety, against the real emulator."""
import asyncio
import os
import threading
import time

import doku_checkout as dc
from doku_checkout.testing import MockServer

SECRET = "SK-TEST-0123456789"


def test_blocking_calls_release_the_gil():
    """Two threads each wait on a delayed answer; their waits overlap and the main thread
    keeps running Python meanwhile. (Logical overlap, not a wall-time threshold.)"""
    with MockServer() as doku:
        for i in range(2):
            doku.add_order(f"INV-G{i}", original_request_id=f"r{i}")
        doku.inject_fault("delay", ms=600, count=2)
        client = dc.Client(doku.client_id, SECRET, base_url=doku.url)
        spans = {}

        def worker(i):
            start = time.monotonic()
            client.cancel_order(invoice_number=f"INV-G{i}", original_request_id=f"r{i}", note="gil")
            spans[i] = (start, time.monotonic())

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        ticks = 0
        while any(t.is_alive() for t in threads):
            ticks += 1
            time.sleep(0.001)
        for t in threads:
            t.join()
        assert len(spans) == 2
        assert max(s for s, _ in spans.values()) < min(e for _, e in spans.values()), "the two calls did not overlap"
        assert ticks > 10, "the main thread was starved while calls waited"
        assert len(doku.requests()) == 2


def test_async_client_runs_calls_concurrently():
    async def main(doku):
        client = dc.AsyncClient(doku.client_id, SECRET, base_url=doku.url)
        ticks = 0
        stop = asyncio.Event()

        async def ticker():
            nonlocal ticks
            while not stop.is_set():
                ticks += 1
                await asyncio.sleep(0.001)

        tick_task = asyncio.ensure_future(ticker())
        results = await asyncio.gather(
            *[client.cancel_order(invoice_number=f"INV-A{i}", original_request_id=f"r{i}", note="async") for i in range(50)]
        )
        stop.set()
        await tick_task
        with_error = await asyncio.gather(client.cancel_order(invoice_number="INV-NOPE", original_request_id="x", note="n"), return_exceptions=True)
        status = await client.order_status("INV-A0")
        return results, ticks, with_error, status

    with MockServer() as doku:
        for i in range(50):
            doku.add_order(f"INV-A{i}", original_request_id=f"r{i}")
        doku.inject_fault("delay", ms=200, count=50)
        results, ticks, with_error, status = asyncio.run(main(doku))
        assert all(r.order_status == "CANCELLED" for r in results)
        assert len({r.request_id for r in results}) == 50
        assert ticks > 5, "the event loop was blocked"
        assert isinstance(with_error[0], dc.OrderNotFoundError)
        assert status.status == "CANCELLED"


def test_async_invalid_input_raises_before_sending():
    async def main(doku):
        client = dc.AsyncClient(doku.client_id, SECRET, base_url=doku.url)
        try:
            await client.cancel_order(invoice_number="", original_request_id="x", note="n")
        except dc.InvalidInputError as e:
            return e

    with MockServer() as doku:
        err = asyncio.run(main(doku))
        assert err.field == "invoice_number" and doku.requests() == []


def test_async_batch_with_cancelled_awaiters_resolves_the_others():
    """Completions reach the loop in batches: a cancelled awaiter in a batch is skipped and
    every other future in it is still resolved (its call completed either way)."""

    async def main(doku):
        client = dc.AsyncClient(doku.client_id, SECRET, base_url=doku.url)
        calls = [asyncio.ensure_future(client.order_status(f"INV-B{i}")) for i in range(60)]
        await asyncio.sleep(0.05)  # sent and waiting on the delayed answers
        for task in calls[::3]:
            task.cancel()
        done = await asyncio.gather(*calls, return_exceptions=True)
        return done

    with MockServer() as doku:
        for i in range(60):
            doku.add_order(f"INV-B{i}", original_request_id=f"r{i}")
        doku.inject_fault("delay", ms=300, count=60)
        done = asyncio.run(main(doku))
        for i, outcome in enumerate(done):
            if i % 3 == 0:
                assert isinstance(outcome, asyncio.CancelledError)
            else:
                assert outcome.status == "PENDING" and outcome.invoice_number == f"INV-B{i}"
        assert len(doku.requests()) == 60  # cancelled awaiters do not cancel the calls


def test_async_client_reused_across_event_loops_and_threads():
    """One client awaited in successive loops (asyncio.run twice) and in two loops at once,
    each in its own thread: every future completes in the loop that awaits it."""

    async def burst(client, tag):
        loop = asyncio.get_running_loop()
        results = await asyncio.gather(*[client.order_status(f"INV-L{i}") for i in range(40)])
        assert asyncio.get_running_loop() is loop
        return tag, [r.invoice_number for r in results]

    with MockServer() as doku:
        for i in range(40):
            doku.add_order(f"INV-L{i}", original_request_id=f"r{i}")
        client = dc.AsyncClient(doku.client_id, SECRET, base_url=doku.url)
        expected = [f"INV-L{i}" for i in range(40)]
        assert asyncio.run(burst(client, "first")) == ("first", expected)
        assert asyncio.run(burst(client, "second")) == ("second", expected)
        outcomes = {}
        threads = [threading.Thread(target=lambda t=t: outcomes.update([asyncio.run(burst(client, t))])) for t in ("a", "b")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert outcomes == {"a": expected, "b": expected}


def test_client_works_in_a_forked_child():
    """gunicorn --preload / Celery prefork: the parent used the client, then forked."""
    with MockServer() as doku:
        for name in ("INV-PARENT", "INV-CHILD"):
            doku.add_order(name, original_request_id=f"r-{name}")
        client = dc.Client(doku.client_id, SECRET, base_url=doku.url, timeout_ms=5000)
        client.cancel_order(invoice_number="INV-PARENT", original_request_id="r-INV-PARENT", note="parent")
        pid = os.fork()
        if pid == 0:  # child
            code = 1
            try:
                r = client.cancel_order(invoice_number="INV-CHILD", original_request_id="r-INV-CHILD", note="child")
                code = 0 if r.order_status == "CANCELLED" else 2
            finally:
                os._exit(code)
        deadline = time.monotonic() + 60
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline:
                os.kill(pid, 9)
                raise AssertionError("the forked child hung")
            time.sleep(0.02)
        assert os.waitstatus_to_exitcode(status) == 0
        assert doku.order("INV-CHILD")["state"] == "CANCELLED"
        # The parent still works after the fork too.
        assert client.order_status("INV-CHILD").status == "CANCELLED"
