"""The application cannot update or delete audit rows: triggers refuse it on both databases."""

from django.db import migrations

from scarpette.audit import triggers


def forwards(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        triggers.create(cursor, schema_editor.connection.vendor, ("audit_auditevent",))
    apps.get_model("audit", "AuditChainHead").objects.get_or_create(pk=1)


def backwards(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        triggers.drop(cursor, schema_editor.connection.vendor, ("audit_auditevent",))


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
