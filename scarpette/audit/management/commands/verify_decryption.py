"""Decrypt every encrypted value with the configured keys, so that a restored copy is proven
readable (a database restored without its keys is a database of ciphertext)."""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from scarpette.audit.services import audit_log
from scarpette.core.crypto import DecryptionError, EncryptedTextField
from scarpette.core.management.commands.rotate_keys import _raw_rows


class Command(BaseCommand):
    help = (
        "Decrypt every encrypted field of every row with the configured keys; exit 1 if one "
        "does not. Prints counts only, never a value."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--require",
            action="append",
            default=[],
            metavar="APP.MODEL",
            help="also fail if this model holds no encrypted value (repeatable)",
        )

    def handle(self, *args, batch_size: int, require: list[str], **options):
        failures: list[str] = []
        decrypted: dict[str, int] = {}
        for model in apps.get_models():
            fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            label = model._meta.label_lower
            rows = values = 0
            last_pk = None
            while batch := _raw_rows(model, [f.attname for f in fields], last_pk, batch_size):
                for pk, *tokens in batch:
                    rows += 1
                    for field, token in zip(fields, tokens, strict=True):
                        if not token:
                            continue
                        try:
                            # The model field's own decryption, as every page reads the value.
                            field.from_db_value(token, None, None)
                        except DecryptionError:
                            failures.append(f"{label} pk={pk} field={field.name}")
                            continue
                        values += 1
                last_pk = batch[-1][0]
            decrypted[label] = values
            self.stdout.write(f"{label}: {rows} rows, {values} values decrypted")
        for label in require:
            if not decrypted.get(label.lower()):
                failures.append(f"{label}: no encrypted value to check")
        audit_log(
            actor=None,
            actor_label="manage.py verify_decryption",
            action="core.encryption.verified",
            outcome="failed" if failures else "ok",
            detail={"decrypted": sum(decrypted.values()), "failures": len(failures)},
        )
        if failures:
            for failure in failures[:20]:
                self.stderr.write(f"does not decrypt: {failure}")
            raise CommandError(f"{len(failures)} encrypted values do not decrypt")
        self.stdout.write("every encrypted value decrypts with the configured keys")
