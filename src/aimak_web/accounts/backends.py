"""Sign-in with an e-mail address or a phone number (in any common spelling) and a password."""

from __future__ import annotations

from axes.utils import reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .phones import normalize_phone


def find_user(identifier: str):
    """The user whose e-mail (case-insensitive) or phone matches ``identifier``, or None."""
    User = get_user_model()
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    if "@" in identifier:
        return User.objects.filter(email__iexact=identifier).first()
    phone = normalize_phone(identifier)
    return User.objects.filter(phone=phone).first() if phone else None


def account_key(identifier: str) -> str:
    """One key per account for counting sign-in failures, however the account is typed.

    An existing account is keyed by its id; an unknown one by the normalised identifier (an
    e-mail in lower case, a phone in E.164), so spellings of one unknown name count together.
    """
    user = find_user(identifier)
    if user is not None:
        return user_key(user)
    text = (identifier or "").strip()
    if "@" in text:
        return text.lower()
    return normalize_phone(text) or text.lower()


def user_key(user) -> str:
    return f"account:{user.pk}"


def lockout_username(request, credentials: dict | None) -> str:
    """``AXES_USERNAME_CALLABLE``: the account key of the sign-in attempt."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials and field in credentials:
        return account_key(credentials[field])
    data = getattr(request, "POST", None) or {}
    return account_key(data.get(field, ""))


def clear_own_failures(sender, request, user, **kwargs) -> None:
    """After a successful sign-in: forget this account's failures (and only these), so an
    attacker signing into their own account clears nothing of what they tried on others."""
    reset(username=user_key(user))


class EmailOrPhoneBackend(ModelBackend):
    """Django's model backend, looking the user up by e-mail or phone instead of username."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = find_user(username or "")
        if user is None:
            # run the hasher anyway so that unknown accounts take as long as known ones
            get_user_model()().set_password(password or "")
            return None
        if user.check_password(password or "") and self.user_can_authenticate(user):
            return user
        return None
