"""Appending an event takes no lock: events get sequence ids and their own keyed MAC, and a
sealer links them into a chain of seals (scarpette.audit.sealing). The rows written before stay
verified as the old per-row chain; the first seal links to its last hash."""

from django.db import migrations, models

from scarpette.audit import triggers


def forwards(apps, schema_editor):
    head_model = apps.get_model("audit", "AuditChainHead")
    event_model = apps.get_model("audit", "AuditEvent")
    head, _ = head_model.objects.get_or_create(pk=1)
    last = event_model.objects.aggregate(models.Max("id"))["id__max"] or 0
    # Every row so far belongs to the per-row chain, which ends at head.last_id.
    head_model.objects.filter(pk=1).update(sealed_through=max(last, head.last_id))
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        # SQLite rebuilt the events table for the altered fields, dropping its triggers.
        tables = triggers.TABLES if connection.vendor == "sqlite" else ("audit_auditseal",)
        triggers.create(cursor, connection.vendor, tables)
        if connection.vendor == "postgresql":
            # Rows were inserted with explicit ids: the sequence starts after the last one.
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('audit_auditevent', 'id'), %s, %s)",
                [max(last, 1), last > 0],
            )


def backwards(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        triggers.drop(cursor, schema_editor.connection.vendor, ("audit_auditseal",))


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_maintenance_role")]

    operations = [
        migrations.CreateModel(
            name="AuditSeal",
            fields=[
                ("seq", models.BigIntegerField(primary_key=True, serialize=False)),
                ("at", models.DateTimeField()),
                ("events", models.TextField()),
                ("count", models.PositiveIntegerField()),
                ("prev_hash", models.CharField(max_length=64)),
                ("hash", models.CharField(max_length=64)),
            ],
            options={"ordering": ["seq"]},
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="seal_seq",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="sealed_through",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="holes",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(max_length=64),
        ),
        migrations.RunPython(forwards, backwards),
    ]
