"""Forms of the practices portal; errors are shown beside their field in the reader's language."""

from __future__ import annotations

import io
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _

from aimak_web.accounts.models import Role
from aimak_web.core.uploads import check_image
from aimak_web.places.models import Municipality

from .models import Attachment, Evidence, Practice, SubmitterType, SubTheme

MAX_UPLOAD = 5 * 1024 * 1024
MAX_SIDE = 1600
PHOTO_TYPES = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
DOCUMENT_TYPES = {".pdf": b"%PDF", ".docx": b"PK\x03\x04", ".xlsx": b"PK\x03\x04",
                  ".odt": b"PK\x03\x04"}


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def parse_decimal(text: str) -> Decimal:
    """A number as people in Kyrgyzstan type it: a decimal comma ("12,5"), spaces or thin
    spaces between thousands ("1 200 000"), a dot as decimal point ("1.5") or, with a comma
    after it, as thousands ("1.234,5"). Ambiguous text ("1,2,3") raises ``ValueError``
    rather than being read as thousands."""
    s = _SPACES.sub("", text or "")
    if "," in s:
        if s.count(",") > 1:
            raise ValueError(text)
        whole, frac = s.split(",")
        if "." in frac:
            raise ValueError(text)
        s = whole.replace(".", "") + "." + frac if "." in whole else whole + "." + frac
    if not _NUMBER.fullmatch(s):
        raise ValueError(text)
    try:
        return Decimal(s)
    except InvalidOperation:
        raise ValueError(text) from None


class LocalDecimalField(forms.DecimalField):
    """A decimal typed in a text box (``inputmode=decimal``): the browser's number box reads a
    comma by the browser's locale, so the server reads it (``parse_decimal``) instead."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_decimal(str(value))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def widget_attrs(self, widget):
        return {}  # no step/min/max: the box is text


class LinkField(forms.URLField):
    """A link typed with or without ``https://`` (a text box: the browser's URL box refuses a
    bare domain); stored with the scheme."""

    widget = forms.TextInput(attrs={"inputmode": "url", "autocomplete": "url"})

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class SubThemeSelect(forms.Select):
    """Options carry their theme (``data-theme``) so that the page shows only the chosen
    theme's sub-themes."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-theme"] = instance.theme_id
        return option


class PracticeForm(forms.ModelForm):
    class Meta:
        model = Practice
        fields = ["submitter_type", "theme", "subtheme", "municipalities", "period_start",
                  "period_end", "title_ru", "title_ky", "problem_ru", "problem_ky",
                  "solution_ru", "solution_ky", "results_ru", "results_ky", "repeat_ru",
                  "repeat_ky", "cost_som", "paid_by_ru", "paid_by_ky", "contacts"]
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "period_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "municipalities": forms.SelectMultiple(attrs={"size": 8}),
            "subtheme": SubThemeSelect,
            **{f"{f}_{lang}": forms.Textarea(attrs={"rows": 4})
               for f in ("problem", "solution", "results", "repeat") for lang in ("ru", "ky")},
        }

    cost_som = LocalDecimalField(label=_("cost, som"), required=False, max_digits=14,
                                 decimal_places=0)

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["subtheme"].queryset = SubTheme.objects.select_related("theme").order_by(
            "theme__order", "order")
        self.fields["subtheme"].label_from_instance = lambda s: f"{s.theme.name} › {s.name}"
        self.fields["municipalities"].queryset = Municipality.objects.select_related(
            "rayon").order_by("name_ru")
        self.fields["municipalities"].label_from_instance = (
            lambda m: f"{m.name} ({m.rayon.name})")
        choices = [c for c in SubmitterType.choices
                   if c[0] != SubmitterType.LSG or self._is_staff()]
        self.fields["submitter_type"].choices = choices

    def _is_staff(self) -> bool:
        return bool(self.user and self.user.role == Role.MUNICIPAL_STAFF
                    and self.user.municipality_id)

    def clean(self):
        data = super().clean()
        theme, sub = data.get("theme"), data.get("subtheme")
        if theme and sub and sub.theme_id != theme.pk:
            self.add_error("subtheme", _("This sub-theme belongs to another theme."))
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        if data.get("submitter_type") == SubmitterType.LSG:
            munis = data.get("municipalities") or []
            if self.user.municipality_id not in {m.pk for m in munis}:
                self.add_error("municipalities", _("A local self-government body submits "
                                                   "for its own municipality: include it."))
        if not any((data.get(f"title_{lang}") or "").strip() for lang in ("ru", "ky")):
            self.add_error("title_ru", _("Give a title in Russian or in Kyrgyz."))
        return data

    def save(self, commit: bool = True) -> Practice:
        practice = super().save(commit=False)
        if not practice.pk:
            practice.submitter = self.user
        practice.body = (self.user.municipality if practice.submitter_type == SubmitterType.LSG
                         else None)
        if commit:
            practice.save()
            self.save_m2m()
        return practice


class EvidenceForm(forms.ModelForm):
    value = LocalDecimalField(label=_("figure"), max_digits=16, decimal_places=2)
    source_url = LinkField(label=_("link to the source"), required=False)

    class Meta:
        model = Evidence
        fields = ["label", "value", "unit", "source", "source_url"]


EvidenceFormSet = forms.inlineformset_factory(Practice, Evidence, form=EvidenceForm, extra=2,
                                              can_delete=True, max_num=20)


def _resize(upload) -> SimpleUploadedFile:
    """The image re-encoded (metadata dropped), its longer side at most ``MAX_SIDE`` pixels."""
    from PIL import Image, ImageOps

    upload.seek(0)
    with Image.open(upload) as img:
        img = ImageOps.exif_transpose(img)
        img.thumbnail((MAX_SIDE, MAX_SIDE))
        fmt = "PNG" if img.mode in ("RGBA", "LA", "P") else "JPEG"
        if fmt == "JPEG" and img.mode != "RGB":
            img = img.convert("RGB")
        out = io.BytesIO()
        img.save(out, fmt, quality=85)
    name = Path(upload.name).stem + (".png" if fmt == "PNG" else ".jpg")
    return SimpleUploadedFile(name, out.getvalue(), f"image/{fmt.lower()}")


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("file"), help_text=_(
        "Photos: JPEG, PNG or WebP; documents: PDF, DOCX, XLSX or ODT; at most 5 MB."))
    caption = forms.CharField(label=_("caption"), max_length=250, required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        ext = Path(upload.name).suffix.lower()
        if ext in PHOTO_TYPES:
            from PIL import Image, UnidentifiedImageError

            check_image(upload)  # its pixels, before anything decodes them
            try:
                with Image.open(upload) as img:
                    img.verify()
                    if img.format != PHOTO_TYPES[ext]:
                        raise forms.ValidationError(
                            _("The file is not the image its name says."))
            except (UnidentifiedImageError, OSError, SyntaxError):
                raise forms.ValidationError(_("The file is not a readable image.")) from None
            self.kind = "photo"
            return _resize(upload)
        if ext in DOCUMENT_TYPES:
            upload.seek(0)
            if not upload.read(8).startswith(DOCUMENT_TYPES[ext]):
                raise forms.ValidationError(_("The file is not the document its name says."))
            upload.seek(0)
            self.kind = "document"
            return upload
        raise forms.ValidationError(_("This type of file is not accepted."))

    def save(self, practice: Practice) -> Attachment:
        upload = self.cleaned_data["file"]
        return Attachment.objects.create(
            practice=practice, kind=self.kind, file=upload, original_name=upload.name[:255],
            size=upload.size, caption=self.cleaned_data.get("caption", ""))


class CommentForm(forms.Form):
    text = forms.CharField(label=_("comment"), widget=forms.Textarea(attrs={"rows": 3}),
                           required=False)


class ScoreForm(forms.Form):
    """One juror's scores of one entry, 0–5 for each criterion of the edition."""

    def __init__(self, *args, criteria=(), initial_scores=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for c in self.criteria:
            self.fields[c.key] = forms.IntegerField(
                label=c.name, min_value=0, max_value=5,
                initial=(initial_scores or {}).get(c.key))
