"""Forms of the role requests: errors by the field, in the reader's language."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aimak_web.places.search import search_places


class StaffRequestForm(forms.Form):
    municipality = forms.CharField(label=gettext_lazy("municipality"),
                                   help_text=gettext_lazy("its name, any spelling"))
    position = forms.CharField(label=gettext_lazy("position"), max_length=200,
                               help_text=gettext_lazy("e.g. chief accountant of the ayil "
                                                      "okmotu"))

    def clean_municipality(self):
        text = self.cleaned_data["municipality"].strip()
        found = search_places(text)["municipalities"]
        if len(found) != 1:
            raise forms.ValidationError(_("No single municipality matches “%(q)s”.")
                                        % {"q": text})
        return found[0]


class DecisionForm(forms.Form):
    action = forms.ChoiceField(choices=[("approve", gettext_lazy("approve")),
                                        ("refuse", gettext_lazy("refuse"))])
    reason = forms.CharField(label=gettext_lazy("reason"), max_length=500, required=False)
