"""Signed checkpoints of the audit chain, kept outside the database.

A checkpoint says "the chain had N seals and seal N had hash H", signed with the audit key (those
written before the seals said the same of rows: `kind` "row"). Whoever can write the database but
not the checkpoint directory (or the mailbox that receives them) cannot truncate the tail and move
the head back, nor rewrite events and every later seal, without `audit_verify` noticing: the seal
named by a checkpoint must still carry its hash. Writing a checkpoint seals what is pending first.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from scarpette.audit.models import AuditChainHead, AuditSeal
from scarpette.audit.sealing import seal_pending

FILE_PREFIX = "checkpoint-"


class CheckpointError(Exception):
    """A checkpoint cannot be written (no destination configured, directory not writable)."""


@dataclass(frozen=True)
class Checkpoint:
    last_id: int  # the seal's number (kind "seal") or the row's id (kind "row")
    last_hash: str
    at: str
    signature: str
    kind: str = "seal"

    def payload(self) -> dict:
        data = {
            "last_id": self.last_id,
            "last_hash": self.last_hash,
            "at": self.at,
            "signature": self.signature,
        }
        if self.kind != "row":
            data["kind"] = self.kind
        return data


def sign(last_id: int, last_hash: str, at: str, kind: str = "seal") -> str:
    prefix = "audit-checkpoint" if kind == "row" else f"audit-checkpoint-{kind}"
    message = f"{prefix}|{last_id}|{last_hash}|{at}".encode()
    return hmac.new(settings.AUDIT_HMAC_KEY, message, hashlib.sha256).hexdigest()


def signature_ok(checkpoint: Checkpoint) -> bool:
    expected = sign(checkpoint.last_id, checkpoint.last_hash, checkpoint.at, checkpoint.kind)
    return hmac.compare_digest(expected, checkpoint.signature)


def current() -> Checkpoint | None:
    """The checkpoint of the chain as it is now, after sealing what is pending (None while
    nothing was ever sealed)."""
    seal_pending()
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None or not head.seal_seq:
        return None
    stored = AuditSeal.objects.filter(pk=head.seal_seq).values_list("hash", flat=True).first()
    if stored != head.last_hash:
        raise CheckpointError("the chain head does not match its last seal: run audit_verify")
    at = timezone.now().isoformat()
    return Checkpoint(head.seal_seq, head.last_hash, at, sign(head.seal_seq, head.last_hash, at))


def write(directory: str | None = None, email: str | None = None) -> tuple[Checkpoint, list[str]]:
    """Write the current checkpoint to the directory and/or mail it; returns where it went."""
    directory = settings.AUDIT_CHECKPOINT_DIR if directory is None else directory
    email = settings.AUDIT_CHECKPOINT_EMAIL if email is None else email
    if not directory and not email:
        raise CheckpointError("set AUDIT_CHECKPOINT_DIR or AUDIT_CHECKPOINT_EMAIL")
    checkpoint = current()
    if checkpoint is None:
        raise CheckpointError("the audit log is empty: nothing to checkpoint")
    text = json.dumps(checkpoint.payload(), sort_keys=True)
    destinations = []
    if directory:
        path = Path(directory)
        try:
            path.mkdir(parents=True, exist_ok=True)
            target = path / f"{FILE_PREFIX}seal-{checkpoint.last_id:015d}.json"
            tmp = target.with_suffix(".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, target)
        except OSError as exc:
            raise CheckpointError(f"cannot write to {directory}: {exc.strerror}") from exc
        destinations.append(str(target))
    if email:
        # Identifiers and hashes only: nothing about any person.
        EmailMessage(
            f"Checkpoint of seal {checkpoint.last_id}",
            text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email],
        ).send(fail_silently=False)
        destinations.append("e-mail")
    return checkpoint, destinations


def load(directory: str) -> tuple[list[Checkpoint], list[str]]:
    """The checkpoints of a directory, and the names of files that are not checkpoints."""
    checkpoints, unreadable = [], []
    path = Path(directory)
    if not directory or not path.is_dir():
        return checkpoints, unreadable
    for file in sorted(path.glob(f"{FILE_PREFIX}*.json")):
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            checkpoints.append(
                Checkpoint(
                    int(data["last_id"]),
                    str(data["last_hash"]),
                    str(data["at"]),
                    str(data["signature"]),
                    str(data.get("kind", "row")),
                )
            )
        except (OSError, ValueError, KeyError, TypeError):
            unreadable.append(file.name)
    return checkpoints, unreadable
