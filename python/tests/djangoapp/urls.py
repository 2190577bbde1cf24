from django.http import JsonResponse
from django.urls import path

from doku_checkout.contrib.django import doku_notification

RECEIVED = []
TENANTS = {"MCH-A": "SK-TENANT-A-0123", "MCH-B": "SK-TENANT-B-0123"}


@doku_notification
def notification(request):
    RECEIVED.append(request.doku_notification)
    return JsonResponse({"ok": True})


@doku_notification(secret_key=TENANTS.get)
def tenant_notification(request):
    RECEIVED.append(request.doku_notification)
    return JsonResponse({"ok": True})


@doku_notification
async def async_notification(request):
    RECEIVED.append(request.doku_notification)
    return JsonResponse({"ok": True})


@doku_notification(notification_path="/public/doku", tolerance=300)
def proxied_notification(request):
    RECEIVED.append(request.doku_notification)
    return JsonResponse({"ok": True})


urlpatterns = [
    path("payments/notifications", notification),
    path("tenants/notifications", tenant_notification),
    path("async/notifications", async_notification),
    path("internal/doku", proxied_notification),
]
