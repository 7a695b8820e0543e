"""Users and their roles, residence verification and one-time codes.

Roles: a citizen is a resident of one municipality; municipal staff act for one municipality;
jury members, moderators and national administrators act nationally. A citizen's residence is
verified by their municipality's staff, from an uploaded residents list matched on the confirmed
phone number, or by hand.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aimak_web.places.models import Municipality, Settlement


class Role(models.TextChoices):
    CITIZEN = "citizen", _("citizen")
    MUNICIPAL_STAFF = "municipal_staff", _("municipal staff")
    JURY = "jury", _("jury member")
    MODERATOR = "moderator", _("moderator")
    ADMIN = "admin", _("national administrator")


class User(AbstractUser):
    """A person signing in with an e-mail address or a phone number and a password."""

    email = models.EmailField(_("e-mail"), unique=True, null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, unique=True, null=True, blank=True,
                             help_text=_("international form, e.g. +996555123456"))
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CITIZEN)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="users",
        verbose_name=_("municipality"),
        help_text=_("residence of a citizen; employer of municipal staff"))
    phone_confirmed_at = models.DateTimeField(_("phone confirmed"), null=True, blank=True)
    residence_verified_at = models.DateTimeField(_("residence verified"), null=True, blank=True)
    residence_method = models.CharField(_("how residence was verified"), max_length=20,
                                        blank=True, choices=[("list", _("residents list")),
                                                             ("manual", _("confirmed by staff"))])
    residence_verified_by = models.ForeignKey("self", on_delete=models.SET_NULL, null=True,
                                              blank=True, related_name="+")
    is_demo = models.BooleanField(_("demo account"), default=False)

    objects = UserManager()
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email or self.phone or self.username

    @property
    def display_name(self) -> str:
        """The name shown to the person themselves and to staff: may be an e-mail or a phone."""
        return str(self)

    @property
    def public_name(self) -> str:
        """The name a public page credits this person with: the full name, never the e-mail,
        phone or login ``display_name`` falls back to."""
        return self.full_name.strip() or str(_("participant"))

    @property
    def is_verified_resident(self) -> bool:
        return (self.role == Role.CITIZEN and self.municipality_id is not None
                and self.residence_verified_at is not None)

    def verify_residence(self, method: str, by: User | None = None) -> None:
        """Mark residence verified (by list or by hand) and save."""
        self.residence_verified_at = timezone.now()
        self.residence_method = method
        self.residence_verified_by = by
        self.save(update_fields=["residence_verified_at", "residence_method",
                                 "residence_verified_by"])


class ResidentEntry(models.Model):
    """One row of a residents list uploaded by a municipality's staff."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE,
                                     related_name="resident_entries")
    full_name = models.CharField(_("full name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20)
    village = models.ForeignKey(Settlement, on_delete=models.SET_NULL, null=True, blank=True)
    village_text = models.CharField(_("village"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    source_file = models.CharField(max_length=255)

    class Meta:
        verbose_name = _("residents list entry")
        verbose_name_plural = _("residents list entries")
        constraints = [models.UniqueConstraint(fields=["municipality", "phone"],
                                               name="resident_phone_once")]


def _digest(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


class OneTimeCode(models.Model):
    """A six-digit code sent to a phone; only its keyed hash is stored."""

    PURPOSES = [("confirm_phone", _("confirm phone")), ("reset_password", _("reset password"))]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="codes")
    purpose = models.CharField(max_length=20, choices=PURPOSES)
    phone = models.CharField(max_length=20)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    @classmethod
    def issue(cls, user: User, purpose: str, phone: str) -> tuple[OneTimeCode, str]:
        """Create a code (earlier unused ones of the same purpose expire) and return it."""
        now = timezone.now()
        cls.objects.filter(user=user, purpose=purpose, used_at__isnull=True).update(
            expires_at=now)
        code = f"{secrets.randbelow(10**6):06d}"
        obj = cls.objects.create(user=user, purpose=purpose, phone=phone, digest=_digest(code),
                                 expires_at=now + settings.AIMAK_CODE_TTL)
        return obj, code

    @classmethod
    def verify(cls, user: User, purpose: str, code: str) -> bool:
        """True (and the code used up) when ``code`` is the user's live code for ``purpose``."""
        now = timezone.now()
        obj = (cls.objects.filter(user=user, purpose=purpose, used_at__isnull=True,
                                  expires_at__gt=now).order_by("-created_at", "-pk").first())
        if obj is None:
            return False
        obj.attempts += 1
        if obj.attempts > settings.AIMAK_CODE_MAX_ATTEMPTS:
            obj.expires_at = now
            obj.save(update_fields=["attempts", "expires_at"])
            return False
        if hmac.compare_digest(obj.digest, _digest((code or "").strip())):
            obj.used_at = now
            obj.save(update_fields=["attempts", "used_at"])
            return True
        obj.save(update_fields=["attempts"])
        return False


class StaffRequest(models.Model):
    """A person asks to act for a municipality as its staff (``roles.py``): an administrator or
    a staff member of that municipality decides, and the decision is in the audit trail."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for a decision")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="staff_requests")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE,
                                     related_name="staff_requests",
                                     verbose_name=_("municipality"))
    position = models.CharField(_("position"), max_length=200,
                                help_text=_("e.g. chief accountant of the ayil okmotu"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("request to act as municipal staff")
        verbose_name_plural = _("requests to act as municipal staff")
