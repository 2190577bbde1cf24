"""The Django app: listing ``doku_checkout.contrib.django`` in ``INSTALLED_APPS`` adds a
system check that ``DOKU_SECRET_KEY`` is set (``manage.py check`` reports it at start-up
instead of a 500 on the first notification)."""
from __future__ import annotations

from typing import Any, List

from django.apps import AppConfig
from django.core import checks


class DokuCheckoutConfig(AppConfig):
    name = "doku_checkout.contrib.django"
    label = "doku_checkout"
    verbose_name = "DOKU Checkout"

    def ready(self) -> None:
        checks.register(check_settings, checks.Tags.security)


def check_settings(app_configs: Any = None, **kwargs: Any) -> List[checks.CheckMessage]:
    from django.conf import settings

    secret = getattr(settings, "DOKU_SECRET_KEY", None)
    if isinstance(secret, str) and secret.strip():
        return []
    return [checks.Error("DOKU_SECRET_KEY is missing or empty", hint="Set settings.DOKU_SECRET_KEY to your DOKU Secret Key (from the DOKU Back Office).", id="doku_checkout.E001")]
