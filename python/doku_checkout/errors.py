"""Exceptions raised by doku_checkout, one class per stable error code.

They are plain Python classes (so they pickle for Celery) that every call raises with the
same attributes: ``code``, ``http_status``, ``request_id``, ``retryable``, ``messages``
(DOKU's ``message`` list), ``raw_body``, plus ``reason`` and ``field`` where they help.
"""
from __future__ import annotations

from typing import Optional, Sequence

__all__ = [
    "DokuError",
    "InvalidInputError",
    "AuthenticationError",
    "OrderNotFoundError",
    "OrderNotCancellableError",
    "InvalidRequestError",
    "DuplicateRequestError",
    "RateLimitError",
    "ServerError",
    "NetworkError",
    "RequestTimeoutError",
    "InvalidResponseError",
    "SignatureVerificationError",
    "ConfigurationError",
    "ERROR_CLASSES",
]


def _rebuild(cls, message, attrs):
    err = cls.__new__(cls)
    Exception.__init__(err, message)
    err.__dict__.update(attrs)
    return err


class DokuError(Exception):
    """Base class of every doku_checkout error."""

    code: str = "doku_error"

    def __init__(
        self,
        message: str,
        *,
        code: Optional[str] = None,
        http_status: Optional[int] = None,
        request_id: Optional[str] = None,
        retryable: bool = False,
        messages: Sequence[str] = (),
        raw_body: Optional[str] = None,
        reason: Optional[str] = None,
        field: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or type(self).code
        self.http_status = http_status
        self.request_id = request_id
        self.retryable = retryable
        self.messages = list(messages)
        self.raw_body = raw_body
        self.reason = reason
        self.field = field

    def __str__(self) -> str:
        extra = []
        if self.http_status is not None:
            extra.append(f"HTTP {self.http_status}")
        if self.request_id:
            extra.append(f"request id {self.request_id}")
        suffix = f" ({', '.join(extra)})" if extra else ""
        return f"{self.code}: {self.message}{suffix}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, http_status={self.http_status!r}, request_id={self.request_id!r}, message={self.message!r})"

    def __reduce__(self):
        attrs = {k: v for k, v in self.__dict__.items()}
        return (_rebuild, (type(self), self.message, attrs))


class InvalidInputError(DokuError, ValueError):
    """The input was refused before anything was sent (see ``field``)."""

    code = "invalid_input"


class AuthenticationError(DokuError):
    """DOKU answered 401/403: check the Client ID, Secret Key, environment and clock."""

    code = "authentication_failed"


class OrderNotFoundError(DokuError):
    """DOKU has no order with this invoice number."""

    code = "order_not_found"


class OrderNotCancellableError(DokuError):
    """The order is paid, expired, already cancelled, or its channel cannot be cancelled."""

    code = "order_not_cancellable"


class InvalidRequestError(DokuError):
    """DOKU refused the request (another 4xx)."""

    code = "invalid_request"


class DuplicateRequestError(DokuError):
    """A 409 for a Request-Id DOKU has seen, whose original outcome cannot be read."""

    code = "duplicate_request"


class RateLimitError(DokuError):
    """429 after all retries."""

    code = "rate_limited"


class ServerError(DokuError):
    """5xx after all retries; retrying with the same request id is safe."""

    code = "server_error"


class NetworkError(DokuError):
    """The connection failed."""

    code = "network_error"


class RequestTimeoutError(DokuError):
    """Sent, but no answer in time: the outcome is unknown; retry with the same request id."""

    code = "timeout"


class InvalidResponseError(DokuError):
    """The answer is not what DOKU sends."""

    code = "invalid_response"


class SignatureVerificationError(DokuError):
    """A notification or response signature did not verify (see ``reason``)."""

    code = "invalid_signature"


class ConfigurationError(DokuError):
    """The client is configured wrongly."""

    code = "config_error"


ERROR_CLASSES = {
    cls.code: cls
    for cls in (
        InvalidInputError,
        AuthenticationError,
        OrderNotFoundError,
        OrderNotCancellableError,
        InvalidRequestError,
        DuplicateRequestError,
        RateLimitError,
        ServerError,
        NetworkError,
        RequestTimeoutError,
        InvalidResponseError,
        SignatureVerificationError,
        ConfigurationError,
    )
}
