"""The typed shape of a verified DOKU HTTP Notification body.

DOKU documents these fields; it may add others at any time, and they are kept (a
``TypedDict`` with ``total=False``: read what you need, ignore the rest).
"""
from __future__ import annotations

from typing import Any, Dict, List, Union

from typing import TypedDict

__all__ = ["DokuNotification"]


class _Id(TypedDict, total=False):
    id: str
    name: str


class _OrderOptional(TypedDict, total=False):
    amount: Union[int, str]


class _Order(_OrderOptional):
    invoice_number: str


class _TransactionOptional(TypedDict, total=False):
    date: str
    original_request_id: str


class _Transaction(_TransactionOptional):
    status: str


class _Always(TypedDict):
    # DOKU's payment notifications always carry these two.
    order: _Order
    transaction: _Transaction


class DokuNotification(_Always, total=False):
    """A notification body: ``order`` and ``transaction`` always, then ``service``,
    ``acquirer``, ``channel`` and the channel's own details (``virtual_account_info``, ...);
    unknown fields are kept."""

    service: _Id
    acquirer: _Id
    channel: _Id
    customer: Dict[str, Any]
    virtual_account_info: Dict[str, Any]
    virtual_account_payment: Dict[str, Any]
    online_to_offline_info: Dict[str, Any]
    additional_info: Dict[str, Any]
    line_items: List[Dict[str, Any]]
