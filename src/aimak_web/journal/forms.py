"""Forms of the journal: each content type its own, errors beside their field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aimak_web.places.models import Municipality
from aimak_web.practices.forms import LinkField, LocalDecimalField
from aimak_web.practices.models import Theme

from .models import Article, Consultation, Kind, Subscription

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 6})


class ArticleForm(forms.ModelForm):
    """Legislation news, an expert's article, a villager's story or research (``kind`` fixed
    by the page); legislation news needs the act's number and date."""

    source_url = LinkField(label=_("link to the source"), required=False)

    class Meta:
        model = Article
        fields = ["theme", "title_ru", "title_ky", "author_name", "lead_ru", "lead_ky",
                  "body_ru", "body_ky", "act_number", "act_date", "source_url", "municipality"]
        widgets = {"act_date": DATE, "body_ru": TEXT, "body_ky": TEXT,
                   "lead_ru": forms.Textarea(attrs={"rows": 2}),
                   "lead_ky": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, kind: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["municipality"].queryset = Municipality.objects.select_related(
            "rayon").order_by("name_ru")
        if kind != Kind.LEGISLATION:
            del self.fields["act_number"], self.fields["act_date"]
        else:
            self.fields["act_number"].required = True
            self.fields["act_date"].required = True

    def clean(self):
        data = super().clean()
        if not any((data.get(f"title_{lang}") or "").strip() for lang in ("ru", "ky")):
            self.add_error("title_ru", _("Give a title in Russian or in Kyrgyz."))
        return data

    def save(self, commit: bool = True) -> Article:
        item = super().save(commit=False)
        item.kind = self.kind
        if commit:
            item.save()
        return item


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Consultation
        fields = ["theme", "title_ru", "title_ky", "question_ru", "question_ky", "publicity"]
        widgets = {"question_ru": TEXT, "question_ky": TEXT,
                   "publicity": forms.RadioSelect}

    def clean(self):
        data = super().clean()
        if not any((data.get(f"title_{lang}") or "").strip() for lang in ("ru", "ky")):
            self.add_error("title_ru", _("Give a title in Russian or in Kyrgyz."))
        if not any((data.get(f"question_{lang}") or "").strip() for lang in ("ru", "ky")):
            self.add_error("question_ru", _("Write the question in Russian or in Kyrgyz."))
        return data


class AnswerForm(forms.Form):
    answer_ru = forms.CharField(label=_("answer (Russian)"), widget=TEXT, required=False)
    answer_ky = forms.CharField(label=_("answer (Kyrgyz)"), widget=TEXT, required=False)


class SubscriptionForm(forms.ModelForm):
    class Meta:
        model = Subscription
        fields = ["active", "themes"]
        widgets = {"themes": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.all()


class MembershipListForm(forms.Form):
    """The Union's list: its source and date, the members chosen in the list box or read from
    the Union's file (``memberships.read_members``), or both together."""

    source = forms.CharField(label=_("source"), max_length=300,
                             help_text=_("e.g. the Union's letter number and date"))
    as_of = forms.DateField(label=_("as of"), widget=DATE)
    file = forms.FileField(
        label=_("the list as a file (CSV or XLSX)"), required=False,
        help_text=_("One municipality a row: a column «Код» (СОАТЕ) or «Наименование», and "
                    "«Район» where a name is not unique. Excel's CSV with semicolons is read "
                    "too."))
    members = forms.ModelMultipleChoiceField(
        label=_("or choose the member municipalities"), required=False,
        queryset=Municipality.objects.order_by("name_ru"),
        widget=forms.SelectMultiple(attrs={"size": 12}))

    def clean(self):
        from .memberships import read_members

        data = super().clean()
        members = list(data.get("members") or [])
        upload = data.get("file")
        if upload:
            found, problems = read_members(upload)
            for p in problems[:50]:
                self.add_error("file", str(p))
            if len(problems) > 50:
                self.add_error("file", _("and %(n)s more problems") % {"n": len(problems) - 50})
            members += [m for m in found if m not in members]
        if not members and not self.errors:
            raise forms.ValidationError(_("Choose the member municipalities or give the file."))
        data["members"] = members
        return data


class PaymentForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("municipality (its staff read)"), required=False,
        queryset=Municipality.objects.order_by("name_ru"))
    reader_email = forms.EmailField(label=_("or one reader's e-mail"), required=False)
    amount_som = LocalDecimalField(label=_("amount, som"), max_digits=12, decimal_places=2)
    bank_reference = forms.CharField(label=_("bank transfer reference"), max_length=100)
    period_start = forms.DateField(label=_("period from"), widget=DATE)
    period_end = forms.DateField(label=_("period to"), widget=DATE)

    def clean(self):
        from django.contrib.auth import get_user_model

        data = super().clean()
        email = (data.get("reader_email") or "").strip()
        data["reader"] = None
        if email:
            data["reader"] = get_user_model().objects.filter(email__iexact=email).first()
            if data["reader"] is None:
                self.add_error("reader_email", _("No account has this e-mail."))
        if bool(data.get("municipality")) == bool(email):
            raise forms.ValidationError(
                _("A payment covers either a municipality or one reader."))
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        return data


class ExpertForm(forms.Form):
    """An administrator names an expert by their account's e-mail, with their field."""

    email = forms.EmailField(label=_("the expert's e-mail (their account on the platform)"))
    field_ru = forms.CharField(label=_("field (Russian)"), max_length=200, required=False,
                               help_text=_("e.g. municipal law, land and pastures"))
    field_ky = forms.CharField(label=_("field (Kyrgyz)"), max_length=200, required=False)

    def clean_email(self):
        from django.contrib.auth import get_user_model

        email = self.cleaned_data["email"].strip()
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No account has this e-mail."))
        self.cleaned_data["user"] = user
        return email
