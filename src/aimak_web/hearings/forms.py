"""Forms of hearings: every error is shown next to its field, in the reader's language."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from aimak_web.core.text import localized

from .models import (
    MIN_REASON,
    Answer,
    BudgetKind,
    BudgetLine,
    Comment,
    Document,
    Hearing,
    Proposal,
    Subject,
)

#: Attachments and sign-in sheets: document and image types, at most this size.
UPLOAD_TYPES = (".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx", ".odt", ".ods")
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
#: The first bytes of each allowed type (the name alone is not trusted).
MAGIC = {".pdf": (b"%PDF",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
         ".png": (b"\x89PNG",), ".docx": (b"PK\x03\x04",), ".xlsx": (b"PK\x03\x04",),
         ".odt": (b"PK\x03\x04",), ".ods": (b"PK\x03\x04",)}


def check_document(upload) -> None:
    """Refuse files of other types, or larger than the limit, or whose content lies about type."""
    suffix = Path(upload.name).suffix.lower()
    if suffix not in UPLOAD_TYPES:
        raise forms.ValidationError(_("Allowed types: %(types)s.")
                                    % {"types": ", ".join(UPLOAD_TYPES)})
    if upload.size > UPLOAD_MAX_BYTES:
        raise forms.ValidationError(_("The file is larger than %(mb)s MB.")
                                    % {"mb": UPLOAD_MAX_BYTES // (1024 * 1024)})
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(m) for m in MAGIC[suffix]):
        raise forms.ValidationError(_("The file's content is not a %(type)s file.")
                                    % {"type": suffix})


def line_label(line: BudgetLine) -> str:
    """A budget line in a choice list: its code and its name in the reader's language."""
    return f"{line.code} {localized(line, 'name')[0]}".strip()


class DateInput(forms.DateInput):
    """A date picker: its value is always ISO (2026-12-07), whatever the reader's language; a
    localized value (07.12.2026) would show an empty picker and be lost on save."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value):
        if value and hasattr(value, "strftime"):
            from django.utils import timezone

            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return value.strftime("%Y-%m-%dT%H:%M")
        return value


class HearingForm(forms.ModelForm):
    online_link = forms.URLField(label=capfirst(_("online session link")), required=False,
                                 assume_scheme="https")

    class Meta:
        model = Hearing
        fields = ["subject", "year", "title_ru", "title_ky", "notice_ru", "notice_ky",
                  "notice_date", "comments_from", "comments_until", "meeting_at",
                  "meeting_place", "online_link", "open_to_all", "budget_kind", "budget_scale"]
        widgets = {"notice_date": DateInput(), "comments_from": DateInput(),
                   "comments_until": DateInput(),
                   "meeting_at": DateTimeInput(format="%Y-%m-%dT%H:%M"),
                   "notice_ru": forms.Textarea(attrs={"rows": 4}),
                   "notice_ky": forms.Textarea(attrs={"rows": 4})}

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(_("Enter a year between 2000 and 2100."))
        return year

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .procedure import locked_fields

        for name in locked_fields(self.instance):
            # a step already taken relies on it (the notice date is the proof of notice)
            self.fields[name].disabled = True
            self.fields[name].help_text = _("fixed: a step of the procedure relies on it")

    def clean(self):
        data = super().clean()
        start, end = data.get("comments_from"), data.get("comments_until")
        if start and end and end < start:
            self.add_error("comments_until", _("The comment period ends before it starts."))
        subject, kind = data.get("subject"), data.get("budget_kind")
        if (subject == Subject.EXECUTION_REPORT) != (kind == BudgetKind.EXECUTION) \
                and subject in (Subject.EXECUTION_REPORT, Subject.DRAFT_BUDGET):
            self.add_error("budget_kind", _("A hearing on the execution report has an execution "
                                            "report; a hearing on a draft has a draft or a "
                                            "medium-term budget."))
        return data

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        from .services import edit_problems

        # once announced, the dates move only within the procedure's rules
        for problem in edit_problems(self.instance):
            self.add_error(None, problem)


class BudgetUploadForm(forms.Form):
    file = forms.FileField(label=_("Filled budget template (.xlsx or .csv)"))


class CommentForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["line", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, hearing: Hearing, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = hearing.lines.all()
        self.fields["line"].required = False
        self.fields["line"].label_from_instance = line_label
        self.fields["line"].empty_label = _("the hearing as a whole")

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if len(text) < 2:
            raise forms.ValidationError(_("Write a comment."))
        return text


class ProposalForm(forms.ModelForm):
    class Meta:
        model = Proposal
        fields = ["title", "text", "line", "amount"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, hearing: Hearing, paper: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = hearing.lines.all()
        self.fields["line"].required = False
        self.fields["line"].label_from_instance = line_label
        self.fields["line"].empty_label = "—"
        self.fields["amount"].label = capfirst(_("amount, %(unit)s") % {"unit": hearing.unit_label})
        self.fields["amount"].widget.attrs["min"] = "0"  # the browser says so before sending
        self.fields["amount"].help_text = _("zero or more")
        if paper:
            self.fields["paper_author"] = forms.CharField(
                label=capfirst(_("name of the person (paper)")), max_length=200, required=False)

    def clean_amount(self):
        amount = self.cleaned_data.get("amount")
        if amount is not None and amount < 0:
            raise forms.ValidationError(_("The amount cannot be negative."))
        return amount


class ReportForm(forms.Form):
    reason = forms.CharField(label=_("What is wrong?"), max_length=300, required=False)


class ModerationForm(forms.Form):
    action = forms.ChoiceField(choices=[("hide", _("hide")), ("restore", _("restore"))])
    reason = forms.CharField(label=capfirst(_("reason")), min_length=5, max_length=500)


class AnswerForm(forms.ModelForm):
    publish = forms.BooleanField(label=capfirst(_("publish now")), required=False, initial=True)

    class Meta:
        model = Answer
        fields = ["verdict", "reason", "line", "amount"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, hearing: Hearing, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = BudgetLine.objects.filter(hearing=hearing)
        self.fields["line"].required = False
        self.fields["line"].label_from_instance = line_label
        self.fields["reason"].help_text = _("at least %(n)s characters") % {"n": MIN_REASON}
        self.fields["amount"].label = capfirst(_("change of the line's amount, %(unit)s") % {
            "unit": hearing.unit_label})
        self.fields["amount"].help_text = _(
            "+ to add, − to take away; an accepted proposal's change is shown beside the draft")

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < MIN_REASON:
            raise forms.ValidationError(_("Write a reason of at least %(n)s characters.")
                                        % {"n": MIN_REASON})
        return reason


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Hearing
        fields = ["chair", "secretary", "attendance_women", "attendance_men",
                  "attendance_under_30", "attendance_30_59", "attendance_60_plus",
                  "signin_sheet", "decisions_ru", "decisions_ky"]
        widgets = {"decisions_ru": forms.Textarea(attrs={"rows": 3}),
                   "decisions_ky": forms.Textarea(attrs={"rows": 3}),
                   "signin_sheet": forms.FileInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("attendance_women", "attendance_men"):
            self.fields[name].required = True

    def clean_signin_sheet(self):
        upload = self.cleaned_data.get("signin_sheet")
        if upload and hasattr(upload, "content_type"):
            check_document(upload)
        return upload

    def clean(self):
        data = super().clean()
        ages = [data.get(f) for f in ("attendance_under_30", "attendance_30_59",
                                      "attendance_60_plus")]
        total = (data.get("attendance_women") or 0) + (data.get("attendance_men") or 0)
        if all(a is not None for a in ages) and sum(ages) != total:
            self.add_error("attendance_60_plus", _(
                "The age groups add up to %(ages)s, but women and men to %(total)s.")
                % {"ages": sum(ages), "total": total})
        return data


class DocumentForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["title", "file"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_document(upload)
        return upload
