from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from doku_checkout.contrib.django import doku_notification

RECEIVED = []


@csrf_exempt
@doku_notification()
def notification(request):
    RECEIVED.append(request.doku_notification)
    return JsonResponse({"ok": True})


urlpatterns = [path("payments/notifications", notification)]
