"""Shared test personas. Each says in one line what she may do.

Every persona has a TOTP authenticator, so the mandatory two-factor gate lets her through when a
test signs her in with `client.force_login`; tests of the real login flow use `totp_code`.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass

from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.contrib.auth.hashers import make_password

from scarpette.accounts.models import Membership, Organisation, User
from scarpette.accounts.permissions import Role

PASSWORD = "correct-horse-battery-staple-42"  # noqa: S105 (test personas only)


@dataclass
class Personas:
    centre_a: Organisation
    centre_b: Organisation
    inps_office: Organisation
    comune: Organisation
    operator_a: User  # works centre A's percorsi
    referent_a: User  # centre A's percorsi + its staff and access log
    operator_b: User  # centre B: must never see centre A's percorsi
    inps_specialist: User  # only what was transmitted to INPS (nothing yet)
    sportello_officer: User  # only appointments of her office (nothing yet)
    tavolo_member: User  # anonymous aggregates only, never a person
    admin: User  # configures organisations and accounts, reads no percorso

    def all(self) -> dict[str, User | None]:
        return {
            "anonymous": None,
            "operator_a": self.operator_a,
            "referent_a": self.referent_a,
            "operator_b": self.operator_b,
            "inps_specialist": self.inps_specialist,
            "sportello_officer": self.sportello_officer,
            "tavolo_member": self.tavolo_member,
            "admin": self.admin,
        }


@functools.cache
def _password_hash() -> str:
    # Argon2 is slow on purpose; hash the shared test password once per test run.
    return make_password(PASSWORD)


def make_user(email: str, name: str, role: str, organisation: Organisation | None) -> User:
    user = User.objects.create_user(email=email, full_name=name)
    user.password = _password_hash()
    user.save(update_fields=["password"])
    Membership.objects.create(user=user, organisation=organisation, role=role)
    TOTP.activate(user, generate_totp_secret())
    return user


def make_personas() -> Personas:
    centre_a = Organisation.objects.create(name="Centro A", kind=Organisation.Kind.CAV)
    centre_b = Organisation.objects.create(name="Centro B", kind=Organisation.Kind.CAV)
    inps = Organisation.objects.create(name="Sede INPS", kind=Organisation.Kind.INPS)
    comune = Organisation.objects.create(name="Comune", kind=Organisation.Kind.COMUNE)
    return Personas(
        centre_a=centre_a,
        centre_b=centre_b,
        inps_office=inps,
        comune=comune,
        operator_a=make_user("op.a@example.org", "Alice Operatrice", Role.OPERATRICE, centre_a),
        referent_a=make_user("ref.a@example.org", "Ada Referente", Role.REFERENTE, centre_a),
        operator_b=make_user("op.b@example.org", "Bea Operatrice", Role.OPERATRICE, centre_b),
        inps_specialist=make_user("inps@example.org", "Ivo Consulente", Role.CONSULENTE_INPS, inps),
        sportello_officer=make_user("sp@example.org", "Sia Sportello", Role.SPORTELLO_INPS, inps),
        tavolo_member=make_user("tav@example.org", "Tea Tavolo", Role.TAVOLO, comune),
        admin=make_user("admin@example.org", "Amy Admin", Role.AMMINISTRATORE, None),
    )


def totp_code(user: User, step_offset: int = 0) -> str:
    """The current TOTP code of a persona, as her authenticator app would show it (or the code of
    a neighbouring 30-second step, which the one-step tolerance accepts)."""
    from allauth.mfa.adapter import get_adapter
    from allauth.mfa.models import Authenticator

    stored = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
    secret = get_adapter().decrypt(stored)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + step_offset))
