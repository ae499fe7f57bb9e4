"""Re-encrypt every encrypted column with the current key, in batches, so an old key can be retired."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from scarpette.core.crypto import EncryptedTextField, current_kid, encrypt, key_id_of


class Command(BaseCommand):
    help = (
        "Re-encrypt all encrypted fields with the current key (the first in FIELD_ENCRYPTION_KEYS)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options):
        kid = current_kid()
        total = 0
        for model in apps.get_models():
            fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            columns = [f.attname for f in fields]
            last_pk = None
            while True:
                # Raw ciphertexts, so that rows already on the current key are left alone.
                batch = _raw_rows(model, columns, last_pk, batch_size)
                if not batch:
                    break
                with transaction.atomic():
                    for pk, *tokens in batch:
                        updates = {}
                        for field, token in zip(fields, tokens, strict=True):
                            if token and key_id_of(token) != kid:
                                plain = field.from_db_value(token, None, None)
                                updates[field.column] = encrypt(plain, context=field.crypto_context)
                        if updates:
                            _raw_update(model, pk, updates)
                            total += 1
                last_pk = batch[-1][0]
        self.stdout.write(f"re-encrypted {total} rows with key {kid}")


def _raw_rows(model, columns, last_pk, limit):
    from django.db import connection

    table = connection.ops.quote_name(model._meta.db_table)
    pk_col = connection.ops.quote_name(model._meta.pk.column)
    cols = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
    sql = f"SELECT {pk_col}, {cols} FROM {table}"  # noqa: S608 (identifiers from the model)
    params: list = []
    if last_pk is not None:
        sql += f" WHERE {pk_col} > %s"
        params.append(last_pk)
    sql += f" ORDER BY {pk_col} LIMIT %s"
    params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _raw_update(model, pk, updates):
    from django.db import connection

    table = connection.ops.quote_name(model._meta.db_table)
    pk_col = connection.ops.quote_name(model._meta.pk.column)
    sets = ", ".join(f"{connection.ops.quote_name(col)} = %s" for col in updates)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {sets} WHERE {pk_col} = %s",  # noqa: S608
            [*updates.values(), pk],
        )
