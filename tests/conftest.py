"""Persona fixtures: one program with two therapy groups, and the people the
access policy is tested as."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from commonroom.accounts.actions import do_issue_api_token
from commonroom.accounts.mfa import AUTH_RECORDS_KEY
from commonroom.accounts.models import User
from commonroom.care.models import Phase, Program, Role, TherapyGroup
from commonroom.core import access as core_access
from tests import factories
from tests.totp import current_code


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist each test process gets its own database (pytest-django
    suffixes its name) and here its own Redis database: the channel layer's
    groups (``space.1``) and ``cache.clear()`` (FLUSHDB) would otherwise reach
    into the other processes' tests."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or not getattr(django_settings, "REDIS_URL", None):
        return
    url = _redis_url_for_worker(django_settings.REDIS_URL, int(worker[2:]))
    django_settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"] = [url]
    django_settings.CACHES["default"]["LOCATION"] = url
    django_settings.REDIS_URL = url


def _redis_url_for_worker(url: str, index: int) -> str:
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    # Redis has 16 databases (0-15) unless configured otherwise.
    return urlunsplit(parts._replace(path=f"/{(base + index) % 16}"))


@pytest.fixture(autouse=True)
def _isolated(settings: Any, tmp_path: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.TASK_BACKEND_NAME = "immediate"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()


@pytest.fixture(autouse=True)
def _english_between_tests() -> Iterator[None]:
    # Language activation is per thread; a Spanish page in one test must not
    # leave the next test's strings in Spanish.
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def program(db: None) -> Program:
    return factories.ProgramFactory(name="Evening IOP", slug="evening-iop")


@pytest.fixture
def group(program: Program) -> TherapyGroup:
    return factories.TherapyGroupFactory(program=program, name="Group A")


@pytest.fixture
def other_group(program: Program) -> TherapyGroup:
    return factories.TherapyGroupFactory(program=program, name="Group B")


def _participant(program: Program, group: TherapyGroup, name: str, **extra: Any) -> User:
    user = factories.UserFactory(display_name=name, **extra)
    factories.enroll(user, program, Phase.ACTIVE)
    factories.join(user, group)
    return user


@pytest.fixture
def participant(program: Program, group: TherapyGroup) -> User:
    return _participant(
        program,
        group,
        "Sam",
        email="participant@example.org",
        legal_name="Samuel Private",
        pronouns="he/him",
        accessibility_needs="Captions please",
    )


@pytest.fixture
def groupmate(program: Program, group: TherapyGroup) -> User:
    return _participant(program, group, "Lucia", email="groupmate@example.org", pronouns="she/her")


@pytest.fixture
def outsider(program: Program, other_group: TherapyGroup) -> User:
    return _participant(program, other_group, "Riley", email="outsider@example.org")


def _staff(program: Program, role: str, email: str, name: str) -> User:
    user = factories.UserFactory(email=email, display_name=name)
    factories.add_role(user, program, role)
    factories.enable_totp(user)
    return user


@pytest.fixture
def facilitator(program: Program, group: TherapyGroup) -> User:
    user = _staff(program, Role.FACILITATOR, "facilitator@example.org", "Marcus")
    group.facilitators.add(user)
    return user


@pytest.fixture
def other_facilitator(program: Program, other_group: TherapyGroup) -> User:
    user = _staff(program, Role.FACILITATOR, "facilitator2@example.org", "Priya")
    other_group.facilitators.add(user)
    return user


@pytest.fixture
def admin(program: Program) -> User:
    return _staff(program, Role.PROGRAM_ADMIN, "admin@example.org", "Dana")


@pytest.fixture
def mentor(program: Program) -> User:
    user = factories.UserFactory(email="mentor@example.org", display_name="Jo")
    factories.enroll(user, program, Phase.COMPLETED)
    factories.add_role(user, program, Role.PEER_MENTOR)
    return user


@pytest.fixture
def alumnus(program: Program, group: TherapyGroup) -> User:
    """Completed the program. Their old membership is still open on purpose:
    the phase alone must end their access to the active cohort."""
    user = _participant(program, group, "Andre", email="alumnus@example.org")
    user.enrollments.update(phase=Phase.COMPLETED)
    return user


@pytest.fixture
def pending_member(
    program: Program,
    group: TherapyGroup,
    admin: User,
    participant: User,
    groupmate: User,
    outsider: User,
    mentor: User,
    alumnus: User,
) -> User:
    """A member of group A who has not accepted the program's current group
    agreement, which every other persona has accepted (staff need not)."""
    from commonroom.care.actions import do_accept_agreement, do_publish_agreement

    agreement = do_publish_agreement(
        program=program, body="What is said here stays here. Be kind.", published_by=admin
    )
    for user in (participant, groupmate, outsider, mentor, alumnus):
        do_accept_agreement(user=user, program=program, version=agreement.version)
    return _participant(program, group, "Kai", email="pending@example.org")


@pytest.fixture
def anonymous() -> AnonymousUser:
    return AnonymousUser()


def signed_in_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    if core_access.is_staff_member(user):
        session = client.session
        session[AUTH_RECORDS_KEY] = [{"method": "mfa", "type": "totp", "at": 0}]
        session.save()
    return client


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    return signed_in_client


for _name in (
    "participant",
    "groupmate",
    "outsider",
    "facilitator",
    "other_facilitator",
    "mentor",
    "alumnus",
    "admin",
    "pending_member",
):

    def _make(name: str) -> Any:
        @pytest.fixture(name=f"{name}_client")
        def _fixture(request: pytest.FixtureRequest) -> Client:
            return signed_in_client(request.getfixturevalue(name))

        return _fixture

    globals()[f"{_name}_client"] = _make(_name)


@pytest.fixture
def anonymous_client() -> Client:
    return Client()


class Api:
    """Calls the JSON API as one person, with a real bearer token."""

    def __init__(self, user: User | None) -> None:
        self.client = Client()
        self.headers: dict[str, str] = {}
        if user is not None:
            _token, raw = do_issue_api_token(
                user=user, mfa_verified=core_access.is_staff_member(user)
            )
            self.headers["Authorization"] = f"Bearer {raw}"

    def call(self, method: str, path: str, json: Any = None) -> Any:
        kwargs: dict[str, Any] = {"headers": self.headers}
        if json is not None:
            import json as jsonlib

            kwargs["data"] = jsonlib.dumps(json)
            kwargs["content_type"] = "application/json"
        return getattr(self.client, method)(f"/api/v1{path}", **kwargs)

    def get(self, path: str) -> Any:
        return self.call("get", path)

    def post(self, path: str, json: Any = None) -> Any:
        return self.call("post", path, json)

    def patch(self, path: str, json: Any = None) -> Any:
        return self.call("patch", path, json)

    def delete(self, path: str) -> Any:
        return self.call("delete", path)


@pytest.fixture
def api_as() -> Callable[[User | None], Api]:
    return Api


__all__ = ["current_code"]
