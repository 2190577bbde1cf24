"""User code as a merchant would write it, checked with `mypy --strict` by test_typing.py:
every public name imports, and the results, errors and notification are typed."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from doku_checkout import (
    ERROR_CLASSES,
    AsyncClient,
    CancelOrderResult,
    Client,
    ConfigurationError,
    CreateCheckoutResult,
    DokuError,
    DokuNotification,
    OrderNotCancellableError,
    OrderStatusResult,
    SignatureVerificationError,
    cancel_support,
    compute_digest,
    format_timestamp,
    new_request_id,
    sign_request,
    signing_string,
    verify_notification,
    verify_response,
)
from doku_checkout.contrib.django import doku_notification, orders, verify_request
from doku_checkout.contrib.django.orders import CancelInProgress
from doku_checkout.testing import MockServer, sign_notification


def cancel(client: Client, invoice: str, original: str) -> Optional[str]:
    try:
        result: CancelOrderResult = client.cancel_order(invoice_number=invoice, original_request_id=original, note="n")
    except OrderNotCancellableError as e:
        retry: bool = e.retryable
        code: str = e.code
        return f"{code} {retry} {e.http_status} {e.messages} {e.raw_body}"
    return result.order_status


def cancel_by_invoice(client: Client) -> str:
    result: CancelOrderResult = client.cancel_by_invoice(invoice_number="INV-1", note="n", request_id="rid-1")
    return result.request_id


def shop_cancel() -> bool:
    try:
        orders.cancel_order("INV-1", "Customer changed order")
    except CancelInProgress as e:
        return e.retryable
    _, outcome = orders.apply_status("INV-1", transaction_status="SUCCESS")
    return outcome == "apply"


def create(client: Client) -> str:
    created: CreateCheckoutResult = client.create_checkout(
        invoice_number="INV-1", amount=20000, payment_method_types=["QRIS"], customer={"name": "Budi"},
        line_items=[{"name": "Kopi", "price": 20000, "quantity": 1}], extra={"order": {"language": "EN"}},
    )
    expiry: Optional[str] = created.expires_at
    return created.request_id + (expiry or "")


async def status(client: AsyncClient) -> Optional[str]:
    result: OrderStatusResult = await client.order_status("INV-1")
    return result.original_request_id


def notification(body: bytes, headers: dict[str, str]) -> str:
    try:
        n: DokuNotification = verify_notification(secret_key="SK", headers=headers, body=body, notification_path="/n", tolerance=dt.timedelta(hours=1))
    except SignatureVerificationError as e:
        return e.reason or ""
    return n["transaction"]["status"]


def helpers() -> list[str]:
    signed = sign_notification(secret_key="SK", client_id="MCH-1", body=b"{}", notification_path="/n")
    sig = sign_request(client_id="C", secret_key="SK", request_id=new_request_id(), timestamp=format_timestamp(dt.datetime.now(dt.timezone.utc)), request_target="/x")
    verify_response(secret_key="SK", client_id="C", request_id="r", request_target="/x", headers=signed, body=b"{}")
    text: str = signing_string(client_id="C", request_id="r", timestamp="2020-08-11T08:45:42Z", request_target="/x")
    classes: list[type[DokuError]] = list(ERROR_CLASSES.values())
    return [sig, text, compute_digest(b"{}"), cancel_support("QRIS"), str(len(classes)), str(ConfigurationError)]


def settings() -> Client:
    return Client("MCH-1", "SK", environment="production", timeout_ms=5000, max_retries=1, proxy="http://127.0.0.1:3128")


@doku_notification
def view(request: object) -> object:
    return request


@doku_notification(secret_key=lambda client_id: {"MCH-1": "SK"}.get(client_id), tolerance=300)
async def tenant_view(request: object) -> object:
    return verify_request(request)


def emulator() -> str:
    with MockServer() as doku:
        return doku.url + doku.secret_key
