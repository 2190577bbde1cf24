"""The Django app: listing ``doku_checkout.contrib.django`` in ``INSTALLED_APPS`` adds the
``DokuOrder`` and ``DokuNotificationReceipt`` models (``manage.py migrate``), the
``doku_reconcile`` command, and a system check that the secret key is set (``manage.py check``
reports it at start-up instead of a 500 on the first notification)."""
from __future__ import annotations

from typing import Any, List

from django.apps import AppConfig
from django.core import checks


class DokuCheckoutConfig(AppConfig):
    name = "doku_checkout.contrib.django"
    label = "doku_checkout"
    verbose_name = "DOKU Checkout"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        checks.register(check_settings, checks.Tags.security)


def check_settings(app_configs: Any = None, **kwargs: Any) -> List[checks.CheckMessage]:
    from django.core.exceptions import ImproperlyConfigured

    from . import conf

    try:
        if conf.secret_key() is not None:
            return []
    except ImproperlyConfigured as e:
        return [checks.Error(str(e), id="doku_checkout.E002")]
    return [
        checks.Error(
            "DOKU_CHECKOUT['SECRET_KEY'] (or DOKU_SECRET_KEY) is missing or empty",
            hint="Set settings.DOKU_CHECKOUT = {'CLIENT_ID': ..., 'SECRET_KEY': ...} with your DOKU credentials (from the DOKU Back Office).",
            id="doku_checkout.E001",
        )
    ]
