"""E-mail of the portal and the journal: links from ``AIMAK_SITE_URL``, the reader's language,
and an unsubscribe link in every message."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

UNSUBSCRIBE_SALT = "aimak.practices.unsubscribe"


def site_url(path: str) -> str:
    """An absolute link to ``path`` on the public site."""
    return settings.AIMAK_SITE_URL.rstrip("/") + path


def unsubscribe_token(user) -> str:
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)


def user_from_token(token: str, max_age_days: int = 400):
    """The user a token names, or ``None`` (forged or too old)."""
    from django.contrib.auth import get_user_model

    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=max_age_days * 86400)
    except signing.BadSignature:
        return None
    return get_user_model().objects.filter(pk=pk).first()


def send_to_user(user, subject: str, template: str, context: dict, lang: str | None = None,
                 attachments: list[tuple[str, bytes, str]] = ()) -> bool:
    """Render ``template`` (plain text) for ``user`` and send it; False when they have no
    e-mail address or asked for no e-mail from the journal."""
    from .models import MailOptOut

    if not user.email or MailOptOut.objects.filter(user=user).exists():
        return False
    lang = lang or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(lang):
        unsubscribe = site_url(reverse("practices:unsubscribe", args=[unsubscribe_token(user)]))
        body = render_to_string(template, {**context, "user": user, "site": site_url(""),
                                           "unsubscribe_url": unsubscribe})
        message = EmailMessage(str(subject), body, to=[user.email],
                               headers={"List-Unsubscribe": f"<{unsubscribe}>"})
    for name, content, mime in attachments:
        message.attach(name, content, mime)
    message.send()
    return True
