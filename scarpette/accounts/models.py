"""Organisations, staff users and their one membership (organisation + role)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from scarpette.accounts.permissions import Role
from scarpette.core.models import PublicIdModel, TimestampedModel


class Organisation(PublicIdModel, TimestampedModel):
    class Kind(models.TextChoices):
        CAV = "cav", _("Centro antiviolenza")
        CASA_RIFUGIO = "casa_rifugio", _("Casa rifugio")
        INPS = "inps", _("Sede INPS")
        COMUNE = "comune", _("Comune")
        CITTA_METROPOLITANA = "citta_metropolitana", _("Città metropolitana")
        ATS = "ats", _("ATS")

    name = models.CharField(_("nome"), max_length=200, unique=True)
    kind = models.CharField(_("tipo"), max_length=32, choices=Kind.choices)
    is_active = models.BooleanField(_("attiva"), default=True)
    # Bumped by every save: the edit form carries it, and a stale form is refused (no lost update).
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organizzazione")
        verbose_name_plural = _("organizzazioni")

    def __str__(self) -> str:
        return self.name

    @property
    def is_centre(self) -> bool:
        return self.kind in {self.Kind.CAV, self.Kind.CASA_RIFUGIO}


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        # Her address as allauth keeps it, written now rather than by the first read of the
        # "e-mail" page (no page read writes a row).
        from allauth.account.models import EmailAddress

        EmailAddress.objects.using(self._db).get_or_create(
            user=user, email=user.email, defaults={"primary": True, "verified": False}
        )
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        # Django's superuser flag is not used for access: administrators are a role.
        return self.create_user(email, password, **extra)


class User(PublicIdModel, AbstractBaseUser, PermissionsMixin):
    """A staff account. The woman herself never has one."""

    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("nome e cognome"), max_length=150)
    is_active = models.BooleanField(_("attivo"), default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Part of every session's proof of identity: raising it ends all her sessions at their next
    # request (deactivation), so an old session does not come back with a reactivation.
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    objects = UserManager()

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("utente")
        verbose_name_plural = _("utenti")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def _get_session_auth_hash(self, secret=None):
        key_salt = "scarpette.accounts.User.get_session_auth_hash"
        return salted_hmac(
            key_salt,
            f"{self.password}|{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Membership(TimestampedModel):
    """Which organisation a user works for and with which role. One per user."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships", null=True, blank=True
    )
    role = models.CharField(_("ruolo"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("attiva"), default=True)
    # Bumped by every role change: the role form carries it (no lost update).
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("appartenenza")
        verbose_name_plural = _("appartenenze")
        constraints = [
            models.CheckConstraint(
                name="membership_org_unless_admin",
                condition=Q(role=Role.AMMINISTRATORE, organisation__isnull=True)
                | (~Q(role=Role.AMMINISTRATORE) & Q(organisation__isnull=False)),
            ),
        ]
        indexes = [models.Index(fields=["organisation", "role"])]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"
