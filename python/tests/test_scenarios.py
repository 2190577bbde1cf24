"""Every scenario of tests/scenarios/ against the real emulator over loopback."""
import json

import pytest

import doku_checkout as dc
from doku_checkout.testing import MockServer
from conftest import SCENARIOS, load_cases

SCENARIO_CASES = load_cases(SCENARIOS, "scenarios")


def test_enough_scenarios():
    assert len(SCENARIO_CASES) >= 40


def build_client(doc, cfg, url):
    options = {k: v for k, v in cfg.items() if k not in ("client_id", "secret_key")}
    options.setdefault("base_url", url)
    return dc.Client(cfg.get("client_id", doc["client_id"]), cfg.get("secret_key", doc["secret_key"]), **options)


def resolve(args, results):
    if isinstance(args, dict) and "from_step" in args:
        return results[args["from_step"]][args["field"]]
    if isinstance(args, dict):
        return {k: resolve(v, results) for k, v in args.items()}
    return args


def call(client, op, args):
    if op == "cancel_order":
        r = client.cancel_order(**args)
        return {"request_id": r.request_id, "http_status": r.http_status, "messages": r.messages, "order_status": r.order_status, "replayed": r.replayed}
    if op == "cancel_by_invoice":
        r = client.cancel_by_invoice(**args)
        return {"request_id": r.request_id, "http_status": r.http_status, "messages": r.messages, "order_status": r.order_status, "replayed": r.replayed}
    if op == "order_status":
        r = client.order_status(args["invoice_number"])
        return {"request_id": r.request_id, "http_status": r.http_status, "status": r.status, "transaction_status": r.transaction_status, "order_status": r.order_status}
    if op == "create_checkout":
        r = client.create_checkout(**args)
        return {"request_id": r.request_id, "http_status": r.http_status, "has_payment_url": bool(r.payment_url), "has_expiry": r.expires_at is not None}
    raise AssertionError(op)


def subset(want, got, at="$"):
    """``want`` is contained in ``got``: dicts key by key, lists element by element (same length)."""
    if isinstance(want, dict):
        assert isinstance(got, dict), f"{at}: expected an object, got {got!r}"
        for key, value in want.items():
            subset(value, got.get(key), f"{at}.{key}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), f"{at}: expected {want!r}, got {got!r}"
        for i, (w, g) in enumerate(zip(want, got)):
            subset(w, g, f"{at}[{i}]")
    else:
        assert want == got, f"{at}: expected {want!r}, got {got!r}"


def check_notifications(doc, doku, expected):
    """What the emulator delivered, each verified with this package as a merchant would."""
    delivered = doku.notifications(wait=True)
    assert len(delivered) == len(expected), delivered
    for want, got in zip(expected, delivered):
        want = dict(want)
        names, verified = want.pop("header_names", []), want.pop("verified", None)
        subset(want, got)
        headers = got["attempts"][-1]["headers"]
        for name in names:
            assert name in [h for h, _ in headers], f"no header named exactly {name}: {headers}"
        if verified is not None:
            body = dc.verify_notification(secret_key=doc["secret_key"], headers=dict(headers), body=got["body"].encode(), notification_path=got["path"])
            subset(verified, body)


@pytest.mark.parametrize("doc,scenario", SCENARIO_CASES)
def test_scenario(doc, scenario):
    cfg = scenario["client"]
    with MockServer(client_id=doc["client_id"], secret_key=doc["secret_key"]) as doku:
        doku.setup(scenario["setup"]["orders"], scenario["setup"]["faults"])
        results = []
        for n, step in enumerate(scenario["steps"]):
            if "control" in step:
                c = step["control"]
                status, answer = doku.control(c["method"], c["path"], c.get("body"))
                assert status == step["expect"]["status"], f"step {n}: {answer}"
                results.append(answer)
                continue
            if "notifications" in step:
                check_notifications(doc, doku, step["notifications"])
                results.append(None)
                continue
            args = resolve(step["call"]["args"], results)
            try:
                client = build_client(doc, cfg, doku.url)
                outcome, error = call(client, step["call"]["op"], args), None
            except dc.DokuError as e:
                outcome, error = None, e
            expect = step["expect"]
            if "result" in expect:
                assert error is None, f"step {n}: unexpected {error!r}"
                for key, value in expect["result"].items():
                    assert outcome[key] == value, f"step {n}: {key}"
            else:
                assert error is not None, f"step {n}: expected {expect['error']}, got {outcome}"
                assert isinstance(error, dc.ERROR_CLASSES[expect["error"]["code"]])
                assert doc["secret_key"] not in f"{error} {error!r}"
                for key, value in expect["error"].items():
                    assert getattr(error, key) == value, f"step {n}: error.{key}"
            results.append(outcome)
        log = doku.requests()
        wire = scenario["wire"]
        if "requests" in wire:
            assert len(log) == wire["requests"]
        if wire.get("same_request_id"):
            assert len({e["request_id"] for e in log}) == 1 and log[0]["request_id"]
        if "state_changes" in wire:
            assert sum(e["state_changed"] for e in log) == wire["state_changes"]
        if "all_signatures_valid" in wire:
            assert all(e["signature_valid"] for e in log) == wire["all_signatures_valid"]
        if "paths" in wire:
            assert [e["path"] for e in log] == wire["paths"]
        if "cancel_original_request_ids" in wire:
            cancels = [json.loads(e["body"]) for e in log if e["path"] == "/checkout/v3/cancellations"]
            assert [c["payment"]["original_request_id"] for c in cancels] == wire["cancel_original_request_ids"]
        for invoice, state in scenario["final_states"].items():
            assert doku.order(invoice)["state"] == state
