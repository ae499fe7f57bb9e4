"""Accounts created before this release get the allauth address row that the "e-mail" page used
to write on its first read: from now on it is written when the account is created."""

from django.db import migrations


def add_missing_addresses(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    with_address = EmailAddress.objects.values("user_id")
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=user_id, email=email, primary=True, verified=False)
            for user_id, email in User.objects.exclude(id__in=with_address).values_list(
                "id", "email"
            )
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_edit_versions"),
        ("account", "__latest__"),
    ]

    operations = [migrations.RunPython(add_missing_addresses, migrations.RunPython.noop)]
