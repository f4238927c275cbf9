from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from commonroom.accounts.models import User
from commonroom.care.models import STAFF_ROLES, Program
from commonroom.peers.affinity.models import DESCRIPTION_MAX_CHARS, NOTE_MAX_CHARS


class AskForm(forms.Form):
    note = forms.CharField(
        label=_("A note to the facilitator (optional, private)"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the facilitators who lead this group and program admins read it."),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("decline", _("Decline"))]
    )
    message = forms.CharField(
        label=_("A message to the person (optional)"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def program_staff(program: Program) -> QuerySet[User]:
    return (
        User.objects.filter(
            program_roles__program=program, program_roles__role__in=STAFF_ROLES, is_active=True
        )
        .distinct()
        .order_by("display_name")
    )


class EntryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("What the group is for and who it welcomes"),
        required=False,
        max_length=DESCRIPTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EditEntryForm(EntryForm):
    accepting_requests = forms.BooleanField(label=_("Accepting requests to join"), required=False)
    facilitators = forms.ModelMultipleChoiceField(
        label=_("Led by"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Naming leads starts the group (with its own spaces) if it is not running."),
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["facilitators"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = program_staff(program)
        field.label_from_instance = lambda user: user.display_name  # type: ignore[method-assign,assignment]
