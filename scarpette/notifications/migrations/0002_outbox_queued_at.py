import django.utils.timezone
from django.db import migrations, models
from django.db.models import F


def queued_at_from_created_at(apps, schema_editor):
    # Existing messages were queued when they were created.
    OutboxMessage = apps.get_model("notifications", "OutboxMessage")
    OutboxMessage.objects.update(queued_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="queued_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.RunPython(queued_at_from_created_at, migrations.RunPython.noop),
    ]
