"""Sign-in with an e-mail address or a phone number (in any common spelling) and a password."""

from __future__ import annotations

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
