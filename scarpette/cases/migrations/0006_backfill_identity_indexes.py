"""Backfill the blind indexes of the identities stored before the surname lookup.

Decrypts each identity (the field decrypts with the project's keys, core.crypto), in batches of
primary keys, and writes:

- `tax_code_index` again from the tax code (the same function the service uses);
- `surname` and `surname_index` only where they can be known: until now the form asked for
  "Nome e cognome" in one field, so a full name of exactly two words is taken as name then
  surname. A longer full name ("Maria Grazia De Luca") is left without a surname: guessing
  would index the wrong words and find the wrong woman, or miss her. Her operator adds the
  surname in the identity form; until then she is found by code or by tax code.
"""

from django.db import migrations

BATCH = 500


def backfill(apps, schema_editor):
    from scarpette.cases.indexes import surname_index, tax_code_index

    CaseIdentity = apps.get_model("cases", "CaseIdentity")
    last_pk = 0
    while True:
        rows = list(
            CaseIdentity.objects.filter(pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", "full_name", "surname", "tax_code")[:BATCH]
        )
        if not rows:
            break
        for pk, full_name, surname, tax_code in rows:
            changes = {"tax_code_index": tax_code_index(tax_code)}
            if not surname:
                words = full_name.split()
                if len(words) == 2:
                    surname = words[1]
                    changes["surname"] = surname
            changes["surname_index"] = surname_index(surname)
            CaseIdentity.objects.filter(pk=pk).update(**changes)
        last_pk = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_identity_surname")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
