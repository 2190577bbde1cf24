"""What the shop's notification view does: ship the order (once, whatever DOKU resends)."""
from django.db import models


class Shipment(models.Model):
    invoice_number = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
