from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from commonroom.meetings.models import (
    AttendanceStatus,
    ExceptionAction,
    SessionKind,
    VideoProviderKind,
)


class SeriesForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=120, help_text=_("Shown in calendars; keep it neutral.")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    rule = forms.CharField(
        label=_("Recurrence (RFC 5545)"),
        max_length=200,
        help_text=_("For example FREQ=WEEKLY;BYDAY=MO,WE,TH"),
    )
    start_date = forms.DateField(
        label=_("First date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Last date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    local_start = forms.TimeField(
        label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    duration_minutes = forms.IntegerField(
        label=_("Length (minutes)"), min_value=15, max_value=480, initial=180
    )
    slot_label = forms.CharField(label=_("Time slot"), max_length=40, required=False)
    curriculum = forms.CharField(label=_("Curriculum"), max_length=80, required=False)
    video_provider = forms.ChoiceField(label=_("Video"), choices=VideoProviderKind.choices)
    external_url = forms.URLField(
        label=_("External meeting link"), required=False, assume_scheme="https"
    )


class ExceptionForm(forms.Form):
    original_date = forms.DateField(
        label=_("Session date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    action = forms.ChoiceField(label=_("Change"), choices=ExceptionAction.choices)
    new_starts_at = forms.DateTimeField(
        label=_("New start (moves only)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class CorrectionForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=AttendanceStatus.choices)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=0, max_value=480, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class TechCheckForm(forms.Form):
    camera_ok = forms.NullBooleanField(label=_("My camera works"), required=False)
    microphone_ok = forms.NullBooleanField(label=_("My microphone works"), required=False)
    reminders_read = forms.BooleanField(
        label=_("I read the reminders: a private space, headphones, camera-off listening is fine."),
        required=True,
    )


class GroupNoteForm(forms.Form):
    body = forms.CharField(
        label=_("Group note (staff only)"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
