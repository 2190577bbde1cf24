"""One step of a test, run as ``python -m djangoshop.scenario STEP [ARGS...]`` with the shop's
environment: prints one JSON object (the test reads it), exit 0."""
import io
import json
import sys

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from doku_checkout.contrib.celery import cancel_order as cancel_task  # noqa: E402
from doku_checkout.contrib.django import orders  # noqa: E402
from doku_checkout.contrib.django.models import DokuOrder  # noqa: E402
from doku_checkout.errors import DokuError  # noqa: E402

FIELDS = ("invoice_number", "checkout_request_id", "amount", "state", "transaction_status", "order_status", "cancel_request_id", "anomaly")


def order_json(order):
    return {f: getattr(order, f) for f in FIELDS}


def step(name, args):
    if name == "create":
        order, result = orders.create_checkout(invoice_number=args[0], amount=int(args[1]), payment_method_types=["VIRTUAL_ACCOUNT_BCA"])
        return {"order": order_json(order), "request_id": result.request_id, "payment_url": result.payment_url}
    if name == "cancel":
        try:
            return {"order": order_json(orders.cancel_order(args[0], args[1]))}
        except DokuError as e:
            found = DokuOrder.objects.filter(invoice_number=args[0]).first()
            return {"error": e.code, "reason": e.reason, "retryable": e.retryable, "order": order_json(found) if found else None}
    if name == "apply":
        order, outcome = orders.apply_status(args[0], transaction_status=args[1] or None, order_status=(args[2] or None) if len(args) > 2 else None)
        return {"outcome": outcome, "order": order_json(order)}
    if name == "order":
        found = DokuOrder.objects.filter(invoice_number=args[0]).first()
        return {"order": order_json(found) if found else None}
    if name == "record":  # orders a shop recorded before: INVOICE:CHECKOUT_REQUEST_ID per argument
        for item in args:
            invoice, _, checkout = item.partition(":")
            DokuOrder.objects.update_or_create(invoice_number=invoice, defaults={"checkout_request_id": checkout})
        return {"recorded": len(args)}
    if name == "enqueue":  # invoices on stdin, one per line
        invoices = [line.strip() for line in sys.stdin if line.strip()]
        for invoice in invoices:
            cancel_task.delay(invoice, args[0])
        return {"enqueued": len(invoices)}
    if name == "states":
        return {"states": dict(DokuOrder.objects.values_list("invoice_number", "state")), "cancel_ids": dict(DokuOrder.objects.values_list("invoice_number", "cancel_request_id"))}
    if name == "reconcile":
        out = io.StringIO()
        try:
            call_command("doku_reconcile", "--older-than", args[0], stdout=out)
            return {"ok": True, "summary": out.getvalue().strip()}
        except Exception as e:  # noqa: BLE001 - reported to the test
            return {"ok": False, "error": str(e)}
    if name == "task":  # run the Celery task's function in this process (eager), for its result
        value = cancel_task.apply(args=[args[0], args[1]]).get(propagate=False)
        if isinstance(value, BaseException):
            return {"failed": type(value).__name__, "code": getattr(value, "code", None)}
        return value
    raise SystemExit(f"unknown step {name}")


if __name__ == "__main__":
    print(json.dumps(step(sys.argv[1], sys.argv[2:])))
