from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from commonroom.accounts.models import User
from commonroom.care.models import (
    CameraComfort,
    CouplePolicy,
    GroupKind,
    LevelOfCare,
    MentorGenderPreference,
    Phase,
    Population,
    Program,
    Role,
    TherapyGroup,
    Track,
)
from commonroom.care.preferences import AFFINITY_CATALOGUE, LANGUAGE_CHOICES, affinity_choices


def _choice_field(form: forms.Form, name: str) -> forms.ModelChoiceField[Any]:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.PARTICIPANT)
    language = forms.ChoiceField(
        label=_("Language of the invitation"), choices=settings.LANGUAGES, initial="en"
    )


class ProgramSettingsForm(forms.Form):
    name = forms.CharField(label=_("Program name"), max_length=120)
    time_zone = forms.CharField(label=_("Time zone"), max_length=64)
    default_group_size = forms.IntegerField(
        label=_("Default group size"), min_value=2, max_value=30
    )
    languages_offered = forms.MultipleChoiceField(
        label=_("Languages offered"),
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    crisis_resources = forms.CharField(
        label=_("Crisis resources"),
        required=False,
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One per line: name | what it is | phone | text number | https link. "
            "Leave empty for the US defaults (988 and 911)."
        ),
    )

    def clean_crisis_resources(self) -> list[dict[str, str]]:
        return parse_crisis_resources(self.cleaned_data.get("crisis_resources") or "")


_RESOURCE_KEYS = ("name", "detail", "phone", "sms", "url")


def parse_crisis_resources(text: str) -> list[dict[str, str]]:
    resources = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) > len(_RESOURCE_KEYS) or not parts[0]:
            raise forms.ValidationError(
                _("Line %(number)s: start with a name, then up to four parts separated by |.")
                % {"number": number}
            )
        resources.append({k: v for k, v in zip(_RESOURCE_KEYS, parts, strict=False) if v})
    return resources


def format_crisis_resources(resources: list[dict[str, str]]) -> str:
    lines = []
    for item in resources:
        parts = [item.get(key, "") for key in _RESOURCE_KEYS]
        while parts and not parts[-1]:
            parts.pop()
        lines.append(" | ".join(parts))
    return "\n".join(lines)


class TrackForm(forms.Form):
    name = forms.CharField(label=_("Track name"), max_length=120)
    level_of_care = forms.ChoiceField(label=_("Level of care"), choices=LevelOfCare.choices)
    population = forms.ChoiceField(label=_("Population"), choices=Population.choices)
    weekly_minimum_hours = forms.IntegerField(
        label=_("Weekly minimum hours"),
        min_value=0,
        max_value=60,
        required=False,
        help_text=_("Leave empty for the ASAM minimum: IOP 9 h (adolescents 6), PHP 20 h."),
    )


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Group name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=GroupKind.choices)
    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=1,
        max_value=60,
        required=False,
        help_text=_("Leave empty for the program's default group size."),
    )
    track = forms.ModelChoiceField(label=_("Track"), queryset=Track.objects.none(), required=False)
    enrollment_open = forms.BooleanField(label=_("Open enrollment"), required=False, initial=True)
    session_pattern = forms.CharField(
        label=_("Weekly pattern (RFC 5545)"),
        max_length=200,
        required=False,
        help_text=_("For example FREQ=WEEKLY;BYDAY=MO,WE,TH"),
    )
    session_start = forms.TimeField(label=_("Session start"), required=False)
    session_minutes = forms.IntegerField(
        label=_("Session length (minutes)"), min_value=15, max_value=480, initial=180
    )
    facilitators = forms.ModelMultipleChoiceField(
        label=_("Facilitators"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "track").queryset = program.tracks.order_by("name")
        _choice_field(self, "facilitators").queryset = (
            User.objects.filter(
                program_roles__program=program,
                program_roles__role__in=[Role.FACILITATOR, Role.PROGRAM_ADMIN],
            )
            .distinct()
            .order_by("display_name")
        )


class PhaseChangeForm(forms.Form):
    phase = forms.ChoiceField(label=_("New phase"), choices=Phase.choices)
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, allowed: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any phase is accepted here so that a stale or crafted choice reaches
        # the action, which names what is allowed; the menu offers the
        # allowed ones only.
        phase = self.fields["phase"]
        assert isinstance(phase.widget, forms.Select)
        phase.widget.choices = [(p, Phase(p).label) for p in allowed]


class PlacementForm(forms.Form):
    group = forms.ModelChoiceField(label=_("Group"), queryset=TherapyGroup.objects.none())
    override = forms.BooleanField(
        label=_("Override capacity, closed enrollment and pairing checks"), required=False
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "group").queryset = program.groups.filter(
            archived_at__isnull=True
        ).order_by("name")


class PersonChoiceField(forms.ModelChoiceField[User]):
    """Staff pick people by display name, with the legal name to tell them apart."""

    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} ({obj.legal_name})" if obj.legal_name else obj.display_name


class PersonPairForm(forms.Form):
    first = PersonChoiceField(label=_("First person"), queryset=User.objects.none())
    second = PersonChoiceField(label=_("Second person"), queryset=User.objects.none())

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = (
            User.objects.filter(enrollments__program=program).distinct().order_by("display_name")
        )
        _choice_field(self, "first").queryset = people
        _choice_field(self, "second").queryset = people


class CoupleForm(PersonPairForm):
    policy = forms.ChoiceField(
        label=_("Policy"), choices=CouplePolicy.choices, initial=CouplePolicy.APART
    )


class DoNotPairForm(PersonPairForm):
    reason = forms.CharField(
        label=_("Reason (staff only)"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class AgreementForm(forms.Form):
    body = forms.CharField(
        label=_("Agreement text"), max_length=20000, widget=forms.Textarea(attrs={"rows": 14})
    )


class AcceptAgreementForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(label=_("I have read the group agreement and I will keep it."))


class PreferencesForm(forms.Form):
    languages = forms.MultipleChoiceField(
        label=_("Languages I speak"),
        choices=list(LANGUAGE_CHOICES.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    affinity_interests = forms.MultipleChoiceField(
        label=_("Affinity groups I am interested in"),
        choices=list(AFFINITY_CATALOGUE.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    use_affinities_for_matching = forms.BooleanField(
        label=_("Use my affinity interests when matching me with a buddy or mentor"), required=False
    )

    def __init__(self, *args: Any, user_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user_id is not None:
            field = self.fields["affinity_interests"]
            assert isinstance(field, forms.MultipleChoiceField)
            field.choices = list(affinity_choices(user_id).items())

    mentor_gender_preference = forms.ChoiceField(
        label=_("I would prefer a mentor who is"),
        choices=MentorGenderPreference.choices,
        required=False,
    )
    camera_comfort = forms.ChoiceField(
        label=_("Camera comfort"), choices=CameraComfort.choices, required=False
    )
    availability = forms.CharField(
        label=_("When I am usually free"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One window per line in your own time zone, like: Mon 18:00-21:00"),
    )

    def clean_availability(self) -> list[dict[str, Any]]:
        return parse_availability(self.cleaned_data.get("availability") or "")


_DAYS = {
    "mon": 0,
    "tue": 1,
    "wed": 2,
    "thu": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
    "lun": 0,
    "mar": 1,
    "mié": 2,
    "mie": 2,
    "jue": 3,
    "vie": 4,
    "sáb": 5,
    "sab": 5,
    "dom": 6,
}


def parse_availability(text: str) -> list[dict[str, Any]]:
    windows = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = line.replace("\u2013", "-").split()  # an en dash is a dash too
        if len(parts) != 2 or "-" not in parts[1] or parts[0][:3].lower() not in _DAYS:
            raise forms.ValidationError(
                _("Line %(number)s: write a day and a time range, like Mon 18:00-21:00.")
                % {"number": number}
            )
        start, _sep, end = parts[1].partition("-")
        windows.append({"day": _DAYS[parts[0][:3].lower()], "start": start, "end": end})
    return windows


def format_availability(windows: list[dict[str, Any]]) -> str:
    names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    return "\n".join(f"{names[w['day']]} {w['start']}-{w['end']}" for w in windows)
