"""Type stubs for the compiled module doku_checkout._native."""
from typing import Any, Awaitable, Dict, List, Mapping, Optional, Sequence, Tuple, Union, final

from typing_extensions import TypedDict, Unpack


_Body = Union[bytes, bytearray, str]

__version__: str
__all__ = [
    "AsyncClient",
    "CancelOrderResult",
    "Client",
    "CreateCheckoutResult",
    "NativeMockServer",
    "OrderStatusResult",
    "__version__",
    "cancel_support",
    "compute_digest",
    "format_unix_timestamp",
    "lifecycle_transition",
    "new_request_id",
    "order_lifecycle",
    "notification_body",
    "runtime_started",
    "sign_request",
    "sign_notification",
    "signing_string",
    "verify_notification_raw",
    "verify_response",
]

def sign_request(
    *, client_id: str, secret_key: str, request_id: str, timestamp: str, request_target: str, body: Optional[_Body] = None
) -> str: ...
def signing_string(
    *,
    client_id: str,
    secret_key: Optional[str] = None,
    request_id: str,
    timestamp: str,
    request_target: str,
    body: Optional[_Body] = None,
) -> str: ...
def compute_digest(body: _Body) -> str: ...
def new_request_id() -> str: ...
def format_unix_timestamp(seconds: int) -> str: ...
def verify_notification_raw(
    *,
    secret_key: str,
    headers: Mapping[str, Any],
    body: _Body,
    notification_path: str,
    tolerance: Optional[int] = None,
    now: Optional[int] = None,
) -> Tuple[str, str, int]: ...
def verify_response(
    *,
    secret_key: str,
    client_id: str,
    request_id: str,
    request_target: str,
    headers: Mapping[str, Any],
    body: _Body,
    with_digest: bool = True,
) -> None: ...
def cancel_support(payment_method_type: str) -> str: ...
def order_lifecycle(*, transaction_status: Optional[str] = None, order_status: Optional[str] = None) -> Optional[str]:
    """The merchant's order state (PENDING, PAID, FAILED, EXPIRED, CANCELLED, REFUNDED, or an
    unknown value as DOKU sent it) for DOKU's statuses; None when neither says anything."""
def lifecycle_transition(
    stored: Optional[str], *, transaction_status: Optional[str] = None, order_status: Optional[str] = None
) -> Tuple[str, Optional[str]]:
    """``(outcome, state)``: ``apply`` (store ``state``), ``unchanged`` (late news), ``anomaly``
    (final states that disagree) or ``unrecognised`` (a value this version does not know)."""
def sign_notification(
    *,
    secret_key: str,
    client_id: str,
    body: _Body,
    notification_path: str,
    request_id: Optional[str] = None,
    timestamp: Optional[str] = None,
) -> List[Tuple[str, str]]: ...
def notification_body(
    *,
    invoice_number: str,
    amount: int,
    original_request_id: str,
    channel: Optional[str] = None,
    status: Optional[str] = None,
    timestamp: Optional[str] = None,
) -> str: ...
def runtime_started() -> bool: ...

# The core's types, written once for Client and AsyncClient. Names and defaults are the
# core's (_ClientOptions, _CreateCheckoutRequest); tests/surface checks the result fields.

class _ClientOptions(TypedDict, total=False):
    environment: Optional[str]
    base_url: Optional[str]
    timeout_ms: Optional[int]
    connect_timeout_ms: Optional[int]
    max_retries: Optional[int]
    initial_backoff_ms: Optional[int]
    max_backoff_ms: Optional[int]
    deadline_ms: Optional[int]
    max_response_bytes: Optional[int]
    proxy: Optional[str]
    verify_response_signatures: Optional[bool]

class _CheckoutCustomer(TypedDict, total=False):
    id: Optional[str]
    name: Optional[str]
    email: Optional[str]
    phone: Optional[str]

class _CheckoutLineItem(TypedDict):
    name: str
    price: int
    quantity: int

class _CheckoutOptional(TypedDict, total=False):
    payment_due_minutes: Optional[int]
    payment_method_types: Sequence[str]
    customer: Optional[_CheckoutCustomer]
    line_items: Sequence[_CheckoutLineItem]
    callback_url: Optional[str]
    callback_url_cancel: Optional[str]
    callback_url_result: Optional[str]
    extra: Optional[Dict[str, Any]]

class _CreateCheckoutRequest(_CheckoutOptional):
    invoice_number: str
    amount: int

@final
class CancelOrderResult:
    @property
    def request_id(self) -> str: ...
    @property
    def http_status(self) -> int: ...
    @property
    def messages(self) -> List[str]: ...
    @property
    def order_status(self) -> Optional[str]: ...
    @property
    def replayed(self) -> bool: ...
    @property
    def raw_body(self) -> str: ...

@final
class CreateCheckoutResult:
    @property
    def request_id(self) -> str: ...
    @property
    def http_status(self) -> int: ...
    @property
    def messages(self) -> List[str]: ...
    @property
    def payment_url(self) -> str: ...
    @property
    def token_id(self) -> Optional[str]: ...
    @property
    def expires_at(self) -> Optional[str]: ...
    @property
    def raw_body(self) -> str: ...

@final
class OrderStatusResult:
    @property
    def request_id(self) -> str: ...
    @property
    def http_status(self) -> int: ...
    @property
    def invoice_number(self) -> Optional[str]: ...
    @property
    def status(self) -> Optional[str]: ...
    @property
    def transaction_status(self) -> Optional[str]: ...
    @property
    def order_status(self) -> Optional[str]: ...
    @property
    def original_request_id(self) -> Optional[str]: ...
    @property
    def raw_body(self) -> str: ...

@final
class Client:
    def __new__(cls, client_id: str, secret_key: str, **options: Unpack[_ClientOptions]) -> "Client": ...
    def cancel_order(
        self, *, invoice_number: str, original_request_id: str, note: str, request_id: Optional[str] = None
    ) -> CancelOrderResult: ...
    def cancel_by_invoice(
        self, *, invoice_number: str, note: str, request_id: Optional[str] = None
    ) -> CancelOrderResult: ...
    def create_checkout(
        self, *, request_id: Optional[str] = None, **fields: Unpack[_CreateCheckoutRequest]
    ) -> CreateCheckoutResult: ...
    def order_status(self, invoice_number: str) -> OrderStatusResult: ...

@final
class AsyncClient:
    def __new__(cls, client_id: str, secret_key: str, **options: Unpack[_ClientOptions]) -> "AsyncClient": ...
    def cancel_order(
        self, *, invoice_number: str, original_request_id: str, note: str, request_id: Optional[str] = None
    ) -> Awaitable[CancelOrderResult]: ...
    def cancel_by_invoice(
        self, *, invoice_number: str, note: str, request_id: Optional[str] = None
    ) -> Awaitable[CancelOrderResult]: ...
    def create_checkout(
        self, *, request_id: Optional[str] = None, **fields: Unpack[_CreateCheckoutRequest]
    ) -> Awaitable[CreateCheckoutResult]: ...
    def order_status(self, invoice_number: str) -> Awaitable[OrderStatusResult]: ...

@final
class NativeMockServer:
    def __new__(cls, client_id: str, secret_key: str, port: int = 0, notification_url: Optional[str] = None) -> "NativeMockServer": ...
    @property
    def url(self) -> str: ...
    def setup_json(self, spec: str) -> None: ...
    def set_state(self, invoice_number: str, state: str) -> bool: ...
    def order_json(self, invoice_number: str) -> Optional[str]: ...
    def log_json(self) -> str: ...
    def reset(self) -> None: ...
    def send_notification(self, invoice_number: str, url: str) -> int: ...
    def control(self, method: str, path: str, body: Optional[str] = None) -> Tuple[int, str]: ...
    def close(self) -> None: ...
