"""The merchant's DOKU orders and the notifications received, in the merchant's database.

``DokuOrder`` keeps what a shop loses most often: the checkout's Request-Id (cancelling quotes
it) and the cancel's own Request-Id, written before the cancel is sent, so a retried task resends
the same one. ``state`` is the core's order lifecycle (``PENDING``, ``PAID``, ``FAILED``,
``EXPIRED``, ``CANCELLED``, ``REFUNDED``, or a value DOKU added later, kept as it came), moved only
forward. ``DokuNotificationReceipt`` holds one row per notification Request-Id: its unique index is
what makes a notification's effects happen once across every web process.
"""
from __future__ import annotations

from django.db import models


class DokuOrder(models.Model):
    invoice_number = models.CharField(max_length=64, unique=True)
    checkout_request_id = models.CharField(max_length=128, blank=True, default="")
    amount = models.PositiveBigIntegerField(null=True, blank=True)
    state = models.CharField(max_length=64, default="PENDING", db_index=True)
    transaction_status = models.CharField(max_length=64, blank=True, default="")
    order_status = models.CharField(max_length=64, blank=True, default="")
    cancel_request_id = models.CharField(max_length=128, blank=True, default="")
    cancel_note = models.CharField(max_length=255, blank=True, default="")
    anomaly = models.CharField(max_length=160, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "doku_checkout"
        db_table = "doku_checkout_order"
        verbose_name = "DOKU order"

    def __str__(self) -> str:
        return f"{self.invoice_number} ({self.state})"


class DokuNotificationReceipt(models.Model):
    request_id = models.CharField(max_length=128)
    client_id = models.CharField(max_length=128, blank=True, default="")
    invoice_number = models.CharField(max_length=64, blank=True, default="", db_index=True)
    transaction_status = models.CharField(max_length=64, blank=True, default="")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "doku_checkout"
        db_table = "doku_checkout_notification"
        verbose_name = "DOKU notification"
        # Per merchant: one shop may take notifications for several Client-Ids.
        constraints = [models.UniqueConstraint(fields=["client_id", "request_id"], name="doku_checkout_notification_once")]

    def __str__(self) -> str:
        return f"{self.request_id} ({self.invoice_number} {self.transaction_status})"
