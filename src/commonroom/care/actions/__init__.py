"""Every state change of the care app, one module per subject."""

from __future__ import annotations

from commonroom.care.actions.agreements import do_accept_agreement, do_publish_agreement
from commonroom.care.actions.enrollment import (
    do_change_phase,
    do_move_between_groups,
    do_place_in_group,
    do_remove_from_group,
)
from commonroom.care.actions.invitations import (
    do_accept_invitation,
    do_invite_person,
    do_revoke_invitation,
)
from commonroom.care.actions.preferences import do_update_preferences
from commonroom.care.actions.relations import (
    do_add_do_not_pair,
    do_link_couple,
    do_remove_do_not_pair,
    do_set_couple_policy,
    do_unlink_couple,
)
from commonroom.care.actions.structure import (
    do_create_group,
    do_create_track,
    do_update_group,
    do_update_program,
    do_update_track,
)

__all__ = [
    "do_accept_agreement",
    "do_accept_invitation",
    "do_add_do_not_pair",
    "do_change_phase",
    "do_create_group",
    "do_create_track",
    "do_invite_person",
    "do_link_couple",
    "do_move_between_groups",
    "do_place_in_group",
    "do_publish_agreement",
    "do_remove_do_not_pair",
    "do_remove_from_group",
    "do_revoke_invitation",
    "do_set_couple_policy",
    "do_unlink_couple",
    "do_update_group",
    "do_update_preferences",
    "do_update_program",
    "do_update_track",
]
