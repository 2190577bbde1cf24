"""``python manage.py doku_reconcile --older-than 30``: ask DOKU about open orders.

Every ``DokuOrder`` still ``PENDING`` or ``FAILED`` whose last change is older than
``--older-than`` minutes (default 30) is checked with DOKU's status API and moved forward by the
core's lifecycle rule (never backwards; final states that disagree are kept and recorded in
``anomaly``). DOKU sends no notification for an expiry and retries a notification only three
times: run this from cron. Exit 1 when some order could not be checked (rerun).
"""
from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from doku_checkout.errors import DokuError, OrderNotFoundError


class Command(BaseCommand):
    help = "Check open DOKU orders with DOKU's status API and move them forward (never backwards)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than", type=int, default=30, help="minutes since the order last changed (0-525600, default 30)")
        parser.add_argument("--limit", type=int, default=1000, help="at most this many orders per run (1-100000, default 1000)")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.utils import timezone

        from doku_checkout.contrib.django.models import DokuOrder
        from doku_checkout.contrib.django.orders import refresh_status

        older_than, limit = options["older_than"], options["limit"]
        if not 0 <= older_than <= 525_600:
            raise CommandError("--older-than must be between 0 and 525600 minutes")
        if not 1 <= limit <= 100_000:
            raise CommandError("--limit must be between 1 and 100000")
        cutoff = timezone.now() - datetime.timedelta(minutes=older_than)
        open_orders = DokuOrder.objects.filter(state__in=("PENDING", "FAILED"), updated_at__lte=cutoff).order_by("updated_at")
        counts = {"apply": 0, "unchanged": 0, "anomaly": 0, "unrecognised": 0, "not_found": 0, "failed": 0}
        for invoice_number in open_orders.values_list("invoice_number", flat=True)[:limit]:
            try:
                _, outcome = refresh_status(invoice_number)
                counts[outcome] = counts.get(outcome, 0) + 1
            except OrderNotFoundError:
                counts["not_found"] += 1
            except DokuError as e:
                counts["failed"] += 1
                self.stderr.write(f"{invoice_number}: {e.code}: {e.message}")
        self.stdout.write(", ".join(f"{k} {v}" for k, v in counts.items()))
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} orders could not be checked: run again")
