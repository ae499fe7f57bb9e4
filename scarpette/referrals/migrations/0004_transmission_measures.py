"""Transmission.measures: the measures the transmitted screening concerns (possible or to
check), copied from the encrypted payload so that the INPS inbox can list and filter them."""

import json

from django.db import migrations, models

CONCERNED = {"eligible", "undetermined"}


def fill_measures(apps, schema_editor):
    Transmission = apps.get_model("referrals", "Transmission")
    for transmission in Transmission.objects.only("pk", "payload_json").iterator(chunk_size=500):
        payload = json.loads(transmission.payload_json) if transmission.payload_json else {}
        measures = [
            r["measure"] for r in payload.get("results", []) if r.get("status") in CONCERNED
        ]
        Transmission.objects.filter(pk=transmission.pk).update(measures=measures)


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0003_work_queue_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="transmission",
            name="measures",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(fill_measures, migrations.RunPython.noop),
    ]
