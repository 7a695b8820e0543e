"""Forms of the contest: every error is shown next to its field, in the reader's language."""

from __future__ import annotations

import io

import pikepdf
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image

from aimak_web.accounts.models import Role, User
from aimak_web.core.uploads import check_image
from aimak_web.places.models import Municipality
from aimak_web.places.search import search_places

from .models import DOCUMENTED_2021, Application, Criterion, Edition, TieDecision

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def parse_amounts(text: str) -> list[int]:
    """"300 000, 150000; 55 000" -> [300000, 150000, 55000]; ValidationError otherwise."""
    out = []
    for i, part in enumerate(text.replace(";", ",").replace("\n", ",").split(","), start=1):
        part = part.strip().replace(" ", "").replace("\u202f", "").replace("\xa0", "")
        if not part:
            continue
        if not part.isdigit() or int(part) <= 0:
            raise forms.ValidationError(
                _("Place %(n)s: “%(v)s” is not a whole number of som above 0.")
                % {"n": i, "v": part})
        out.append(int(part))
    return out


class EditionForm(forms.ModelForm):
    eligible_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("eligible kinds of municipality"), choices=Municipality.KINDS,
        widget=forms.CheckboxSelectMultiple, required=False,
        help_text=gettext_lazy("none ticked: every municipality"))
    prizes = forms.CharField(label=gettext_lazy("prizes by place, som"))
    prizes_large = forms.CharField(
        label=gettext_lazy("prizes by place for the large municipalities, som"), required=False)

    class Meta:
        model = Edition
        fields = ["year", "title_ru", "title_ky", "rules_ru", "rules_ky", "form_text_ru",
                  "form_text_ky", "eligible_kinds", "hearings_from", "hearings_to",
                  "applications_from", "applications_to", "jury_from", "jury_to",
                  "results_date", "category_threshold", "is_example"]
        widgets = {f: DATE for f in ["hearings_from", "hearings_to", "applications_from",
                                     "applications_to", "jury_from", "jury_to", "results_date"]}
        widgets.update({f: forms.Textarea(attrs={"rows": 4}) for f in
                        ["rules_ru", "rules_ky", "form_text_ru", "form_text_ky"]})

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["prizes"].help_text = _(
            "amounts for places 1, 2, 3, … separated by commas (with a size threshold: for the "
            "small municipalities). Documented example: in 2021 a prize was %(lo)s to %(hi)s "
            "som.") % {"lo": f"{DOCUMENTED_2021['prize_min']:,}".replace(",", " "),
                       "hi": f"{DOCUMENTED_2021['prize_max']:,}".replace(",", " ")}
        bands = self.instance.prize_bands or {}
        if bands:
            first = bands.get("", bands.get("small", []))
            self.initial["prizes"] = ", ".join(str(a) for a in first)
            self.initial["prizes_large"] = ", ".join(str(a) for a in bands.get("large", []))

    def clean_prizes(self) -> list[int]:
        amounts = parse_amounts(self.cleaned_data["prizes"])
        if not amounts:
            raise forms.ValidationError(_("Give at least one prize."))
        return amounts

    def clean_prizes_large(self) -> list[int]:
        return parse_amounts(self.cleaned_data.get("prizes_large") or "")

    def clean(self):
        data = super().clean()
        if data.get("category_threshold") and not data.get("prizes_large"):
            self.add_error("prizes_large", _("With a size threshold, give the prizes of the "
                                             "large municipalities too."))
        return data

    def save(self, commit: bool = True) -> Edition:
        edition = super().save(commit=False)
        data = self.cleaned_data
        if data.get("category_threshold"):
            edition.prize_bands = {"small": data["prizes"], "large": data["prizes_large"]}
        else:
            edition.prize_bands = {"": data["prizes"]}
        if commit:
            edition.save()
        return edition


def _six_lines(text: str, required: bool) -> list[str]:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines and not required:
        return []
    if len(lines) != 6:
        raise forms.ValidationError(
            _("Write six lines, one for each score 0, 1, 2, 3, 4 and 5 (found %(n)s).")
            % {"n": len(lines)})
    return lines


class CriterionForm(forms.ModelForm):
    descriptors_ru = forms.CharField(label=gettext_lazy("descriptors (Russian)"),
                                     widget=forms.Textarea(attrs={"rows": 6}),
                                     help_text=gettext_lazy(
                                         "six lines: what a score of 0, 1, … 5 means"))
    descriptors_ky = forms.CharField(label=gettext_lazy("descriptors (Kyrgyz)"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 6}))

    class Meta:
        model = Criterion
        fields = ["order", "title_ru", "title_ky", "weight"]

    def clean_descriptors_ru(self) -> list[str]:
        return _six_lines(self.cleaned_data["descriptors_ru"], True)

    def clean_descriptors_ky(self) -> list[str]:
        return _six_lines(self.cleaned_data.get("descriptors_ky", ""), False)

    def clean_weight(self) -> float:
        w = self.cleaned_data["weight"]
        if w is None or w < 0:
            raise forms.ValidationError(_("A weight is a number of at least 0."))
        return w

    def save(self, commit: bool = True) -> Criterion:
        c = super().save(commit=False)
        c.descriptors_ru = self.cleaned_data["descriptors_ru"]
        c.descriptors_ky = self.cleaned_data["descriptors_ky"]
        if commit:
            c.save()
        return c


class JurorForm(forms.Form):
    user = forms.ModelChoiceField(label=gettext_lazy("jury member"),
                                  queryset=User.objects.filter(role=Role.JURY).order_by("pk"))


class InviteForm(forms.Form):
    """The organisers invite a jury member by e-mail or phone, in their language."""

    contact = forms.CharField(label=gettext_lazy("e-mail or phone"), max_length=200,
                              help_text=gettext_lazy("e.g. name@example.kg or +996 555 123 456"))
    language = forms.ChoiceField(label=gettext_lazy("language of the invitation"),
                                 choices=[("ru", gettext_lazy("Russian")),
                                          ("ky", gettext_lazy("Kyrgyz"))])


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["head_name", "contact_name", "summary", "offline_hearings"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 6}),
                   "offline_hearings": forms.Textarea(attrs={"rows": 6})}


#: Evidence files: minutes and notices (PDF) and photographs; recognised by their first bytes.
MAGIC = {"pdf": (b"%PDF",), "png": (b"\x89PNG",), "jpg": (b"\xff\xd8",), "jpeg": (b"\xff\xd8",)}
#: office documents: no converter runs on the platform, so they are refused with advice
OFFICE = {"doc", "docx", "odt", "rtf", "xls", "xlsx", "ods", "ppt", "pptx", "odp"}
MAX_EVIDENCE = 5 * 1024 * 1024


def readable(upload, ext: str) -> bool:
    """The file opens as what its name says (pikepdf for PDF, Pillow for images)."""
    data = upload.read()
    upload.seek(0)
    try:
        if ext == "pdf":
            with pikepdf.open(io.BytesIO(data)):
                return True
        with Image.open(io.BytesIO(data)) as img:
            img.verify()
        return True
    except Exception:  # pikepdf and Pillow raise many kinds of errors for a damaged file
        return False


class EvidenceForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("file (PDF, JPG or PNG, up to 5 MB)"))
    description = forms.CharField(label=gettext_lazy("what it shows"), max_length=300,
                                  required=False)

    def clean_file(self):
        f = self.cleaned_data["file"]
        ext = f.name.rsplit(".", 1)[-1].lower() if "." in f.name else ""
        if ext in OFFICE:
            raise forms.ValidationError(_("Word, Excel and other office files are not "
                                          "accepted: save the document as PDF and upload the "
                                          "PDF."))
        if ext not in MAGIC:
            raise forms.ValidationError(_("Only PDF, JPG and PNG files are accepted."))
        if f.size > MAX_EVIDENCE:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        head = f.read(8)
        f.seek(0)
        if not any(head.startswith(m) for m in MAGIC[ext]):
            raise forms.ValidationError(_("The file's content is not a %(ext)s file.")
                                        % {"ext": ext.upper()})
        if ext != "pdf":
            check_image(f)  # its pixels, before anything decodes them
        if not readable(f, ext):
            raise forms.ValidationError(_("The file cannot be read: it may be damaged or "
                                          "protected by a password."))
        f.seek(0)
        return f


class ConflictForm(forms.Form):
    municipality = forms.CharField(
        label=gettext_lazy("a municipality you have ties with"), required=False,
        help_text=gettext_lazy("e.g. where you live or work; any spelling"))
    rayon = forms.CharField(label=gettext_lazy("a rayon you have ties with"), required=False)
    codes = forms.CharField(label=gettext_lazy("application codes you must not judge"),
                            required=False,
                            help_text=gettext_lazy("separated by commas, e.g. A-2026-003"))

    def __init__(self, *args, edition: Edition, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.edition = edition

    def clean_municipality(self):
        text = self.cleaned_data["municipality"].strip()
        if not text:
            return None
        found = search_places(text)["municipalities"]
        if len(found) != 1:
            raise forms.ValidationError(_("No single municipality matches “%(q)s”.")
                                        % {"q": text})
        return found[0]

    def clean_rayon(self):
        text = self.cleaned_data["rayon"].strip()
        if not text:
            return None
        found = search_places(text).get("rayons", [])
        if len(found) != 1:
            raise forms.ValidationError(_("No single rayon matches “%(q)s”.") % {"q": text})
        return found[0]

    def clean_codes(self):
        codes = [c.strip().upper() for c in self.cleaned_data["codes"].split(",") if c.strip()]
        apps = list(Application.objects.filter(edition=self.edition, code__in=codes))
        missing = sorted(set(codes) - {a.code for a in apps})
        if missing:
            raise forms.ValidationError(_("Unknown application code: %(codes)s.")
                                        % {"codes": ", ".join(missing)})
        return apps


class ScoreForm(forms.Form):
    """One score 0–5 and a comment per criterion."""

    def __init__(self, *args, criteria: list[Criterion], initial_scores: dict, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            old = initial_scores.get(c.pk)
            self.fields[f"score_{c.pk}"] = forms.TypedChoiceField(
                label=c.title_ru, choices=[(i, str(i)) for i in range(6)], coerce=int,
                widget=forms.RadioSelect, initial=old.value if old else None)
            self.fields[f"comment_{c.pk}"] = forms.CharField(
                label=gettext_lazy("comment"), max_length=1000, required=False,
                initial=old.comment if old else "",
                widget=forms.Textarea(attrs={"rows": 2}))

    def rows(self):
        for c in self.criteria:
            yield c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]


def _codes(text: str) -> list[str]:
    return [c.strip().upper() for c in (text or "").replace(";", ",").split(",") if c.strip()]


class TieForm(forms.Form):
    """How the organisers decide a tie on a prize boundary, and the public reason."""

    codes = forms.CharField(widget=forms.HiddenInput)
    rule = forms.ChoiceField(label=gettext_lazy("how the tie is decided"),
                             choices=TieDecision.Rule.choices, widget=forms.RadioSelect)
    order = forms.CharField(
        label=gettext_lazy("decided order"), required=False,
        help_text=gettext_lazy("the tied codes, first place first, separated by commas (not "
                               "needed for a shared prize)"))
    reason_ru = forms.CharField(label=gettext_lazy("reason (Russian)"),
                                widget=forms.Textarea(attrs={"rows": 2}),
                                help_text=gettext_lazy("e.g. the vote of the jury on 20 "
                                                       "January, or the clause of the "
                                                       "regulations applied"))
    reason_ky = forms.CharField(label=gettext_lazy("reason (Kyrgyz)"),
                                widget=forms.Textarea(attrs={"rows": 2}))

    def clean_codes(self) -> list[str]:
        return _codes(self.cleaned_data["codes"])

    def clean_order(self) -> list[str]:
        return _codes(self.cleaned_data.get("order", ""))
