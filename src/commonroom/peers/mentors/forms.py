from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from commonroom.care.models import Program
from commonroom.care.preferences import LANGUAGE_CHOICES
from commonroom.peers.mentors.catalogue import LIVED_EXPERIENCE
from commonroom.peers.mentors.models import MAX_MENTEES, MentorFaith, MentorGender
from commonroom.safety.models import NOTE_MAX_CHARS, FlagKind


class MentorDetailsForm(forms.Form):
    max_mentees = forms.TypedChoiceField(
        label=_("Most mentees at once"),
        choices=[(n, str(n)) for n in range(1, MAX_MENTEES + 1)],
        coerce=int,
        initial=2,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages I can mentor in"),
        choices=list(LANGUAGE_CHOICES.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    gender = forms.ChoiceField(
        label=_("Gender (only to honour a mentee's preference)"),
        choices=MentorGender.choices,
        required=False,
    )
    faith = forms.ChoiceField(
        label=_("Faith or secular"), choices=MentorFaith.choices, required=False
    )
    faith_tradition = forms.CharField(label=_("Tradition"), max_length=80, required=False)
    lived_experience = forms.MultipleChoiceField(
        label=_("Lived experience I am willing to be matched on"),
        help_text=_("Staff see these. A mentee sees only that some matched, never which."),
        choices=list(LIVED_EXPERIENCE.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def details(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields}


class ApplyForm(MentorDetailsForm):
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.none())
    motivation = forms.CharField(
        label=_("Why would you like to mentor?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args: Any, programs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs  # type: ignore[attr-defined]
        self.order_fields(["program", "motivation"])

    def details(self) -> dict[str, Any]:
        skip = {"program", "motivation"}
        return {name: self.cleaned_data[name] for name in self.fields if name not in skip}


class RequestForm(forms.Form):
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.none())
    lived_experience_wanted = forms.MultipleChoiceField(
        label=_("I would like a mentor with lived experience of (optional)"),
        help_text=_("Only staff and matching see this."),
        choices=list(LIVED_EXPERIENCE.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, programs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs  # type: ignore[attr-defined]
        if programs.count() == 1:
            self.fields["program"].initial = programs.first()


class ConcernForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What kind of concern?"),
        choices=FlagKind.choices,
        initial=FlagKind.WELLBEING,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Anything staff should know (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=NOTE_MAX_CHARS,
        required=False,
    )
