"""Sign-up without telling anyone which accounts exist, and phone numbers nobody confirmed.

``sign_up`` answers the same way whether or not the e-mail or phone is taken (the view shows one
message for both): when it is, no account is made and the owner is told by e-mail or SMS, and the
password is hashed all the same so the answer takes as long. A phone number on an account that
never confirmed it is released after ``AIMAK_UNCONFIRMED_PHONE_TTL`` (a typo or a squatter does
not keep a number from its owner).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .gateway import send_sms
from .models import User


def release_unconfirmed_phone(phone: str) -> int:
    """Clear ``phone`` from an account that has not confirmed it within the allowed time."""
    cutoff = timezone.now() - settings.AIMAK_UNCONFIRMED_PHONE_TTL
    return User.objects.filter(phone=phone, phone_confirmed_at__isnull=True,
                               date_joined__lt=cutoff).update(phone=None)


def sign_up(data: dict) -> User | None:
    """The new account, or ``None`` when its e-mail or phone belongs to someone (who is told)."""
    email, phone = data["email"], data["phone"]
    if phone:
        release_unconfirmed_phone(phone)
    by_email = User.objects.filter(email__iexact=email).first() if email else None
    by_phone = User.objects.filter(phone=phone).first() if phone else None
    if by_email is None and by_phone is None:
        user = User(username=email or phone, email=email, phone=phone,
                    full_name=data["full_name"], municipality=data["municipality"])
        user.set_password(data["password1"])
        try:
            with transaction.atomic():
                user.save()
            return user
        except IntegrityError:  # the same details signed up at the same moment
            by_email = User.objects.filter(email__iexact=email).first() if email else None
            by_phone = User.objects.filter(phone=phone).first() if phone else None
    else:
        make_password(data["password1"])  # as long as creating one
    _tell_owners(by_email, by_phone)
    return None


def _tell_owners(by_email: User | None, by_phone: User | None) -> None:
    if by_email is not None and by_email.email:
        send_mail(_("Someone tried to sign up with your e-mail"),
                  _("Someone tried to create an aimak account with your e-mail address. If it "
                    "was you, sign in with your password or reset it. If not, you need not do "
                    "anything."), None, [by_email.email], fail_silently=True)
    if by_phone is not None and by_phone.phone:
        send_sms(by_phone.phone, _("aimak: someone tried to sign up with your number. If it "
                                   "was you, sign in or reset your password."))
