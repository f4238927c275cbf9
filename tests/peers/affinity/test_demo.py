from __future__ import annotations

import pytest

from commonroom.core import demo
from commonroom.peers.affinity.models import AffinityGroup, JoinRequest, RequestStatus

pytestmark = pytest.mark.django_db


def test_the_demo_runs_its_affinity_group_from_the_catalogue() -> None:
    program = demo.seed()
    entry = AffinityGroup.objects.get(program=program, key="lgbtq")
    assert entry.group is not None
    assert entry.group.name == demo.AFFINITY_GROUP
    statuses = sorted(JoinRequest.objects.filter(affinity=entry).values_list("status", flat=True))
    assert statuses == [RequestStatus.DECLINED, RequestStatus.PENDING, RequestStatus.PENDING]
    demo.seed()
    assert JoinRequest.objects.filter(affinity=entry).count() == 3
