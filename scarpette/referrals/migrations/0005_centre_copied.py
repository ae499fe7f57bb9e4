"""Transmissions and consultations carry their percorso's centre (copied, never changed), so that
the centre's work queue and lists read an index of their own rows instead of joining every
percorso of the centre (docs/performance.md)."""

import django.db.models.deletion
from django.db import migrations, models

BACKFILL = """
UPDATE {table} SET centre_id = (
    SELECT cases_case.centre_id FROM cases_case WHERE cases_case.id = {table}.case_id
) WHERE centre_id IS NULL
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_email_addresses_written_at_creation"),
        ("cases", "0006_backfill_identity_indexes"),
        ("referrals", "0004_transmission_measures"),
    ]

    operations = [
        migrations.AddField(
            model_name="transmission",
            name="centre",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.AddField(
            model_name="consultation",
            name="centre",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.RunSQL(BACKFILL.format(table="referrals_transmission"), migrations.RunSQL.noop),
        migrations.RunSQL(BACKFILL.format(table="referrals_consultation"), migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="transmission",
            name="centre",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.AlterField(
            model_name="consultation",
            name="centre",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
        migrations.RemoveIndex(model_name="transmission", name="transmission_info_requested"),
        migrations.RemoveIndex(model_name="consultation", name="consultation_answered"),
        migrations.AddIndex(
            model_name="transmission",
            index=models.Index(
                condition=models.Q(("status", "info_requested")),
                fields=["centre"],
                name="transmission_info_requested",
            ),
        ),
        migrations.AddIndex(
            model_name="transmission",
            index=models.Index(fields=["centre", "-sent_at"], name="transmission_centre"),
        ),
        migrations.AddIndex(
            model_name="consultation",
            index=models.Index(
                condition=models.Q(("status", "answered")),
                fields=["centre"],
                name="consultation_answered",
            ),
        ),
        migrations.AddIndex(
            model_name="consultation",
            index=models.Index(fields=["centre", "-asked_at"], name="consultation_centre"),
        ),
        migrations.AddIndex(
            model_name="transmission",
            index=models.Index(fields=["office", "sent_at", "id"], name="transmission_office_sent"),
        ),
        migrations.AddIndex(
            model_name="consultation",
            index=models.Index(fields=["office", "asked_at", "id"], name="consultation_office_asked"),
        ),
    ]
