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


class _Order(TypedDict, total=False):
    invoice_number: str
    amount: Union[int, str]


class _Transaction(TypedDict, total=False):
    status: str
    date: str
    original_request_id: str


class DokuNotification(TypedDict, total=False):
    """A notification body: ``service``, ``acquirer``, ``channel``, ``order``, ``transaction``
    and the channel's own details (``virtual_account_info``, ...); unknown fields are kept."""

    service: _Id
    acquirer: _Id
    channel: _Id
    order: _Order
    transaction: _Transaction
    customer: Dict[str, Any]
    virtual_account_info: Dict[str, Any]
    virtual_account_payment: Dict[str, Any]
    online_to_offline_info: Dict[str, Any]
    additional_info: Dict[str, Any]
    line_items: List[Dict[str, Any]]
