from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies: "list[tuple[str, str]]" = []

    operations = [
        migrations.CreateModel(
            name="DokuNotificationReceipt",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("request_id", models.CharField(max_length=128)),
                ("client_id", models.CharField(blank=True, default="", max_length=128)),
                ("invoice_number", models.CharField(blank=True, db_index=True, default="", max_length=64)),
                ("transaction_status", models.CharField(blank=True, default="", max_length=64)),
                ("received_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name": "DOKU notification",
                "db_table": "doku_checkout_notification",
                "constraints": [models.UniqueConstraint(fields=("client_id", "request_id"), name="doku_checkout_notification_once")],
            },
        ),
        migrations.CreateModel(
            name="DokuOrder",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("invoice_number", models.CharField(max_length=64, unique=True)),
                ("checkout_request_id", models.CharField(blank=True, default="", max_length=128)),
                ("amount", models.PositiveBigIntegerField(blank=True, null=True)),
                ("state", models.CharField(db_index=True, default="PENDING", max_length=64)),
                ("transaction_status", models.CharField(blank=True, default="", max_length=64)),
                ("order_status", models.CharField(blank=True, default="", max_length=64)),
                ("cancel_request_id", models.CharField(blank=True, default="", max_length=128)),
                ("cancel_note", models.CharField(blank=True, default="", max_length=255)),
                ("anomaly", models.CharField(blank=True, default="", max_length=160)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("checked_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={"verbose_name": "DOKU order", "db_table": "doku_checkout_order"},
        ),
    ]
