"""Forms of accounts: sign-in, sign-up, phone code, residents list upload."""

from __future__ import annotations

from collections import Counter

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from aimak_web.core.text import alphabetical
from aimak_web.places.models import Municipality

from .models import User
from .phones import normalize_phone


class SignInForm(AuthenticationForm):
    username = forms.CharField(label=_("E-mail or phone number"), max_length=254,
                               widget=forms.TextInput(attrs={"autofocus": True,
                                                             "autocomplete": "username"}))
    error_messages = {
        "invalid_login": _("The e-mail/phone or the password is wrong."),
        "inactive": _("This account is inactive."),
    }


class _AlphabeticalChoices(forms.models.ModelChoiceIterator):
    """The choices in the alphabetical order of their labels in the reader's language."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from sorted((self.choice(obj) for obj in self.queryset),
                          key=lambda choice: alphabetical(str(choice[1])))


class MunicipalityField(forms.ModelChoiceField):
    """Municipalities by their name in the reader's language, in its alphabetical order; a name
    several share (two «Жаңы-Жол», two «Кызыл-Туу») also says its rayon, so that a person can
    tell them apart."""

    iterator = _AlphabeticalChoices

    def __init__(self, **kwargs) -> None:
        super().__init__(queryset=Municipality.objects.select_related("rayon").order_by(
            "name_ru", "rayon__name_ru"), **kwargs)

    def label_from_instance(self, obj) -> str:
        shared = getattr(self, "_shared", None)
        if shared is None:
            counts = Counter(m.name for m in self.queryset)
            shared = self._shared = {n for n, k in counts.items() if k > 1}
        return f"{obj.name} ({obj.rayon.name})" if obj.name in shared and obj.rayon_id \
            else obj.name


class SignUpForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone number"), required=False, max_length=32,
                            help_text=_("for example 0555 123 456"))
    municipality = MunicipalityField(label=_("Municipality where you live"), required=True)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput,
                                strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput,
                                strip=False)

    def clean_email(self) -> str | None:
        """Normalised; whether an account has it is not said here (``services.sign_up``)."""
        return (self.cleaned_data.get("email") or "").strip().lower() or None

    def clean_phone(self) -> str | None:
        raw = self.cleaned_data.get("phone") or ""
        if not raw.strip():
            return None
        phone = normalize_phone(raw)
        if phone is None:
            raise forms.ValidationError(_("Not a valid phone number."))
        return phone

    def clean(self):
        data = super().clean()
        if not data.get("email") and not data.get("phone") and not self.errors.get(
                "email") and not self.errors.get("phone"):
            self.add_error("email", _("Give an e-mail address or a phone number."))
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            probe = User(full_name=data.get("full_name", ""), email=data.get("email"))
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data



class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code from the SMS"), max_length=6, min_length=6,
                           widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                         "autocomplete": "one-time-code"}))


class ResidentsUploadForm(forms.Form):
    file = forms.FileField(label=_("Residents list (CSV or XLSX)"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Expected a .csv or .xlsx file."))
        if f.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return f
