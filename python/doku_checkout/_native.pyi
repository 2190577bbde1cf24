"""Type stubs for the compiled module doku_checkout._native."""
from typing import Any, Awaitable, Dict, List, Mapping, Optional, Sequence, Tuple, Union, final


_Body = Union[bytes, bytearray, str]

__version__: str
__all__ = [
    "AsyncClient",
    "CancelResult",
    "CheckoutResult",
    "Client",
    "NativeMockServer",
    "StatusResult",
    "__version__",
    "cancel_order_body",
    "cancel_support",
    "classify",
    "compute_digest",
    "error_codes",
    "format_unix_timestamp",
    "from_wib",
    "new_request_id",
    "order_status_path",
    "parse_timestamp",
    "parse_wib_compact",
    "retry_decision",
    "runtime_started",
    "sign_request",
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
def error_codes() -> Dict[str, str]: ...
def classify(http_status: int, body: _Body) -> Tuple[bool, bool, Optional[Exception]]: ...
def retry_decision(
    *,
    max_retries: int,
    initial_backoff_ms: int,
    max_backoff_ms: int,
    attempt: int,
    status: Optional[int] = None,
    transport: Optional[str] = None,
    retry_after_seconds: Optional[int] = None,
    jitter: float,
) -> Optional[int]: ...
def cancel_order_body(invoice_number: str, original_request_id: str, note: str) -> bytes: ...
def order_status_path(invoice_number: str) -> str: ...
def parse_timestamp(text: str) -> int: ...
def from_wib(year: int, month: int, day: int, hour: int, minute: int, second: int) -> int: ...
def parse_wib_compact(text: str) -> int: ...
def runtime_started() -> bool: ...

@final
class CancelResult:
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
    def raw(self) -> str: ...

@final
class CheckoutResult:
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
    def expires_at_unix(self) -> Optional[int]: ...
    @property
    def raw(self) -> str: ...

@final
class StatusResult:
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
    def raw(self) -> str: ...

@final
class Client:
    def __new__(
        cls,
        client_id: str,
        secret_key: str,
        *,
        environment: str = "sandbox",
        base_url: Optional[str] = None,
        timeout: float = 30.0,
        max_retries: int = 2,
        connect_timeout: float = 10.0,
        verify_response_signatures: bool = False,
    ) -> "Client": ...
    def cancel_order(
        self, *, invoice_number: str, original_request_id: str, note: str, request_id: Optional[str] = None
    ) -> CancelResult: ...
    def create_checkout(
        self,
        *,
        invoice_number: str,
        amount: int,
        payment_due_minutes: Optional[int] = None,
        payment_method_types: Optional[Sequence[str]] = None,
        customer: Optional[Dict[str, Optional[str]]] = None,
        line_items: Optional[List[Dict[str, Any]]] = None,
        callback_url: Optional[str] = None,
        callback_url_cancel: Optional[str] = None,
        callback_url_result: Optional[str] = None,
        extra: Optional[Dict[str, Any]] = None,
        request_id: Optional[str] = None,
    ) -> CheckoutResult: ...
    def order_status(self, invoice_number: str) -> StatusResult: ...

@final
class AsyncClient:
    def __new__(
        cls,
        client_id: str,
        secret_key: str,
        *,
        environment: str = "sandbox",
        base_url: Optional[str] = None,
        timeout: float = 30.0,
        max_retries: int = 2,
        connect_timeout: float = 10.0,
        verify_response_signatures: bool = False,
    ) -> "AsyncClient": ...
    def cancel_order(
        self, *, invoice_number: str, original_request_id: str, note: str, request_id: Optional[str] = None
    ) -> Awaitable[CancelResult]: ...
    def create_checkout(
        self,
        *,
        invoice_number: str,
        amount: int,
        payment_due_minutes: Optional[int] = None,
        payment_method_types: Optional[Sequence[str]] = None,
        customer: Optional[Dict[str, Optional[str]]] = None,
        line_items: Optional[List[Dict[str, Any]]] = None,
        callback_url: Optional[str] = None,
        callback_url_cancel: Optional[str] = None,
        callback_url_result: Optional[str] = None,
        extra: Optional[Dict[str, Any]] = None,
        request_id: Optional[str] = None,
    ) -> Awaitable[CheckoutResult]: ...
    def order_status(self, invoice_number: str) -> Awaitable[StatusResult]: ...

@final
class NativeMockServer:
    def __new__(cls, client_id: str, secret_key: str, port: int = 0) -> "NativeMockServer": ...
    @property
    def url(self) -> str: ...
    def setup_json(self, spec: str) -> None: ...
    def set_state(self, invoice_number: str, state: str) -> bool: ...
    def order_json(self, invoice_number: str) -> Optional[str]: ...
    def log_json(self) -> str: ...
    def reset(self) -> None: ...
    def send_notification(self, invoice_number: str, url: str) -> int: ...
    def close(self) -> None: ...
