"""The shop's DOKU notification endpoint: durable, so the shipment is made once."""
import os
import time

from django.http import HttpResponse
from django.urls import path

from doku_checkout.contrib.django import doku_notification

from .models import Shipment


@doku_notification(durable=True)
def payment_notification(request):
    notification = request.doku_notification
    if notification.get("transaction", {}).get("status") == "SUCCESS":
        Shipment.objects.create(invoice_number=notification.get("order", {}).get("invoice_number", ""))
        time.sleep(0.02)  # a real handler takes a while: concurrent copies overlap
    return HttpResponse(status=200)


@doku_notification(durable=True)
def flaky_notification(request):
    """Ships, then fails the first time (a crash mid-handler): its effects must roll back."""
    Shipment.objects.create(invoice_number=request.doku_notification.get("order", {}).get("invoice_number", ""))
    flag = os.environ["DOKU_SHOP_FLAKY_FLAG"]
    if not os.path.exists(flag):
        open(flag, "w").close()
        return HttpResponse(status=503)
    return HttpResponse(status=200)


urlpatterns = [path("payments/notifications", payment_notification), path("payments/flaky", flaky_notification)]
