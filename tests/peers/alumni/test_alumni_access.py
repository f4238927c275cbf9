"""Who may open the alumni network and its volunteer opportunities, over
HTML and the API. Denied is 404; anonymous visitors are sent to sign in."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from commonroom.accounts.models import User
from commonroom.care.models import Program
from commonroom.peers.alumni.actions import do_create_opportunity, do_sign_up
from commonroom.peers.alumni.models import VolunteerOpportunity, VolunteerSignup
from tests.conftest import Api, signed_in_client

pytestmark = pytest.mark.django_db

ApiAs = Callable[[User | None], Api]

# viewer -> in the program's alumni network (as alumnus or staff)
NETWORK = {
    "participant": False,
    "groupmate": False,
    "outsider": False,
    "facilitator": True,
    "other_facilitator": True,
    "mentor": True,
    "alumnus": True,
    "admin": True,
    "stranger_alumnus": False,
    "stranger_admin": False,
}
ALUMNI = {"mentor", "alumnus"}
STAFF = {"facilitator", "other_facilitator", "admin"}


@pytest.fixture
def panel(program: Program, admin: User) -> VolunteerOpportunity:
    return do_create_opportunity(
        program=program,
        created_by=admin,
        fields={
            "kind": "panel",
            "title": "Speak on the family-night panel",
            "when": "2026-11-19T18:30",
            "spots": 2,
        },
    )


def _client(request: pytest.FixtureRequest, viewer: str) -> Client:
    return signed_in_client(request.getfixturevalue(viewer))


@pytest.mark.parametrize(("viewer", "allowed"), NETWORK.items())
def test_alumni_home(
    request: pytest.FixtureRequest,
    api_as: ApiAs,
    panel: VolunteerOpportunity,
    viewer: str,
    allowed: bool,
) -> None:
    """People in no alumni network get 404; those of another program's
    network see theirs and nothing of this one."""
    in_a_network = allowed or viewer.startswith("stranger")
    response = _client(request, viewer).get("/alumni/")
    assert response.status_code == (200 if in_a_network else 404)
    html = response.content.decode()
    assert ("Speak on the family-night panel" in html) is allowed
    assert ("Evening IOP" in html) is allowed
    api = api_as(request.getfixturevalue(viewer)).get("/alumni")
    assert api.status_code == (200 if in_a_network else 404)
    if in_a_network:
        shown = {p["program_name"] for p in api.json()["items"]}
        assert ("Evening IOP" in shown) is allowed


@pytest.mark.parametrize(("viewer", "allowed"), NETWORK.items())
def test_opportunity_page_and_api(
    request: pytest.FixtureRequest,
    api_as: ApiAs,
    panel: VolunteerOpportunity,
    viewer: str,
    allowed: bool,
) -> None:
    assert _client(request, viewer).get(f"/alumni/opportunities/{panel.pk}/").status_code == (
        200 if allowed else 404
    )
    api = api_as(request.getfixturevalue(viewer))
    assert api.get(f"/alumni/opportunities/{panel.pk}").status_code == (200 if allowed else 404)
    listed = {o["id"] for o in api.get("/alumni/opportunities").json()["items"]}
    assert (panel.pk in listed) is allowed


@pytest.mark.parametrize("viewer", NETWORK)
def test_only_alumni_sign_up_and_withdraw(
    request: pytest.FixtureRequest, api_as: ApiAs, panel: VolunteerOpportunity, viewer: str
) -> None:
    alumnus = viewer in ALUMNI
    html = _client(request, viewer).post(f"/alumni/opportunities/{panel.pk}/signup/")
    assert html.status_code == (302 if alumnus else 404)
    api = api_as(request.getfixturevalue(viewer))
    response = api.post(f"/alumni/opportunities/{panel.pk}/signup")
    assert response.status_code == (200 if alumnus else 404)
    assert VolunteerSignup.objects.filter(opportunity=panel).exists() is alumnus
    assert _client(request, viewer).post(
        f"/alumni/opportunities/{panel.pk}/withdraw/"
    ).status_code == (302 if alumnus else 404)
    assert api.post(f"/alumni/opportunities/{panel.pk}/withdraw").status_code == (
        200 if alumnus else 404
    )


@pytest.mark.parametrize("viewer", NETWORK)
def test_only_staff_see_signups_and_confirm(
    request: pytest.FixtureRequest,
    api_as: ApiAs,
    panel: VolunteerOpportunity,
    alumnus: User,
    viewer: str,
) -> None:
    staff = viewer in STAFF
    signup = do_sign_up(opportunity=panel, user=alumnus)
    page = _client(request, viewer).get(f"/alumni/opportunities/{panel.pk}/").content.decode()
    assert ("Andre" in page) is staff
    api = api_as(request.getfixturevalue(viewer))
    listed = api.get(f"/alumni/opportunities/{panel.pk}/signups")
    assert listed.status_code == (200 if staff else 404)
    if staff:
        assert listed.json()["items"][0]["display_name"] == "Andre"
        assert alumnus.email not in listed.content.decode()
    html = _client(request, viewer).post(f"/alumni/signups/{signup.pk}/confirm/")
    assert html.status_code == (302 if staff else 404)
    assert api.post(f"/alumni/signups/{signup.pk}/confirm").status_code == (200 if staff else 404)
    signup.refresh_from_db()
    assert (signup.status == "confirmed") is staff


@pytest.mark.parametrize("viewer", NETWORK)
def test_only_staff_close_an_opportunity(
    request: pytest.FixtureRequest, api_as: ApiAs, panel: VolunteerOpportunity, viewer: str
) -> None:
    staff = viewer in STAFF
    html = _client(request, viewer).post(f"/alumni/opportunities/{panel.pk}/close/")
    assert html.status_code == (302 if staff else 404)
    panel.refresh_from_db()
    assert (panel.closed_at is not None) is staff
    response = api_as(request.getfixturevalue(viewer)).post(
        f"/alumni/opportunities/{panel.pk}/close"
    )
    assert response.status_code == (200 if staff else 404)


@pytest.mark.parametrize("viewer", NETWORK)
def test_only_staff_post_opportunities(
    request: pytest.FixtureRequest, api_as: ApiAs, program: Program, viewer: str
) -> None:
    staff = viewer in STAFF
    assert _client(request, viewer).get("/alumni/opportunities/new/").status_code == (
        200 if staff or viewer == "stranger_admin" else 404
    )
    response = api_as(request.getfixturevalue(viewer)).post(
        "/alumni/opportunities",
        {"program_id": program.pk, "kind": "mentoring", "title": "Mentor someone", "spots": 3},
    )
    assert response.status_code == (201 if staff else 422)


@pytest.mark.parametrize("viewer", NETWORK)
def test_only_program_admins_set_the_access_policy(
    request: pytest.FixtureRequest, api_as: ApiAs, program: Program, viewer: str
) -> None:
    admin = viewer == "admin"
    path = f"/alumni/programs/{program.pk}/settings/"
    assert _client(request, viewer).get(path).status_code == (200 if admin else 404)
    assert _client(request, viewer).post(path, {"alumni_access_months": "12"}).status_code == (
        302 if admin else 404
    )
    api = api_as(request.getfixturevalue(viewer))
    assert api.get(f"/alumni/programs/{program.pk}/settings").status_code == (200 if admin else 404)
    response = api.call(
        "put", f"/alumni/programs/{program.pk}/settings", {"alumni_access_months": 6}
    )
    assert response.status_code == (200 if admin else 404)


@pytest.mark.parametrize(
    "path",
    [
        "/alumni/",
        "/alumni/opportunities/new/",
        "/alumni/opportunities/{id}/",
        "/alumni/programs/{program}/settings/",
    ],
)
def test_anonymous_is_sent_to_sign_in(
    anonymous_client: Client, panel: VolunteerOpportunity, program: Program, path: str
) -> None:
    response = anonymous_client.get(path.format(id=panel.pk, program=program.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "path",
    [
        "/alumni/opportunities/{id}/signup/",
        "/alumni/opportunities/{id}/withdraw/",
        "/alumni/opportunities/{id}/close/",
        "/alumni/signups/1/confirm/",
    ],
)
def test_anonymous_posts_are_sent_to_sign_in(
    anonymous_client: Client, panel: VolunteerOpportunity, path: str
) -> None:
    response = anonymous_client.post(path.format(id=panel.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/alumni"),
        ("get", "/alumni/opportunities"),
        ("post", "/alumni/opportunities"),
        ("get", "/alumni/opportunities/{id}"),
        ("post", "/alumni/opportunities/{id}/signup"),
        ("post", "/alumni/opportunities/{id}/withdraw"),
        ("get", "/alumni/opportunities/{id}/signups"),
        ("post", "/alumni/opportunities/{id}/close"),
        ("post", "/alumni/signups/1/confirm"),
        ("get", "/alumni/programs/{program}/settings"),
        ("put", "/alumni/programs/{program}/settings"),
    ],
)
def test_anonymous_gets_401_from_the_api(
    api_as: ApiAs, panel: VolunteerOpportunity, program: Program, method: str, path: str
) -> None:
    url = path.format(id=panel.pk, program=program.pk)
    response = api_as(None).call(method, url, None if method == "get" else {})
    assert response.status_code == 401
