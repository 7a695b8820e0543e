from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CRITERIA


class UploadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    criteria = forms.ChoiceField(label=_("Criteria"), choices=CRITERIA)
    file = forms.FileField(label=_("Plan (CSV)"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".csv"):
            raise forms.ValidationError(_("Expected a .csv file."))
        if f.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return f


class MoveForm(forms.Form):
    old_code = forms.CharField(label=_("Municipality"), max_length=32)
    new_unit = forms.CharField(label=_("New unit"), max_length=64)


class CentreForm(forms.Form):
    new_unit = forms.CharField(max_length=64)
    centre = forms.CharField(max_length=64)


class OptimiseForm(forms.Form):
    time_limit = forms.IntegerField(label=_("Time limit, seconds"), min_value=5, max_value=600,
                                    initial=30)


class AnalysisForm(forms.Form):
    ACCESS = [("terrain", _("travel times on terrain (slower, as the demo)")),
              ("straight", _("straight-line travel times (quick)"))]
    oblast = forms.ModelChoiceField(label=_("Oblast"), queryset=None,
                                    error_messages={"required": _("Choose an oblast.")})
    access = forms.ChoiceField(label=_("Travel times"), choices=ACCESS, initial="terrain")

    def __init__(self, *args, **kwargs):
        from aimak_web.places.models import Oblast

        super().__init__(*args, **kwargs)
        self.fields["oblast"].queryset = Oblast.objects.order_by("name_ru")
