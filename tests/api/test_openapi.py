"""The OpenAPI document describes each body once and truly: every schema the
API reads or writes has a name no other schema has (ninja keys components
by class name, so a second class of the same name silently replaces the
first in the document), and every list comes in documented pages."""

from __future__ import annotations

import re
import typing
from collections import defaultdict
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pydantic
import pytest
from django.test import Client
from django.utils import timezone
from ninja.operation import Operation

from commonroom.accounts.models import User
from commonroom.api.api import api
from commonroom.api.pagination import MAX_LIMIT
from commonroom.care.models import Invitation, Program

pytestmark = pytest.mark.django_db


def _operations() -> Iterator[tuple[str, Operation]]:
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                # The document writes converters ("{int:id}") as plain "{id}".
                yield re.sub(r"\{\w+:(\w+)\}", r"{\1}", f"/api/v1{prefix}{path}"), operation


def _schemas(annotation: Any) -> Iterator[type[pydantic.BaseModel]]:
    """The schema classes an annotation names, however wrapped (lists, unions)."""
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        yield annotation
        for field in annotation.model_fields.values():
            yield from _schemas(field.annotation)
    for argument in typing.get_args(annotation):
        yield from _schemas(argument)


def _body(operation: Operation) -> type[pydantic.BaseModel] | None:
    for params in operation.models:
        if getattr(params, "__ninja_param_source__", None) == "body":
            (field,) = params.model_fields.values()
            assert isinstance(field.annotation, type)
            return field.annotation
    return None


def test_no_two_api_schemas_share_a_name() -> None:
    by_name: dict[str, set[str]] = defaultdict(set)
    for _path, operation in _operations():
        roots = [_body(operation)]
        for response in operation.response_models.values():
            if response is not None:
                roots += [f.annotation for f in response.model_fields.values()]
        for root in roots:
            for schema in _schemas(root):
                by_name[schema.__name__].add(f"{schema.__module__}.{schema.__qualname__}")
    shared = {name: sorted(found) for name, found in by_name.items() if len(found) > 1}
    assert shared == {}


def test_openapi_documents_each_request_body_truly(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    components = document["components"]["schemas"]
    checked = 0
    for path, operation in _operations():
        body = _body(operation)
        if body is None or not (isinstance(body, type) and issubclass(body, pydantic.BaseModel)):
            continue
        for method in operation.methods:
            documented = document["paths"][path][method.lower()]["requestBody"]
            schema = documented["content"]["application/json"]["schema"]
            if "$ref" in schema:
                schema = components[schema["$ref"].rsplit("/", 1)[-1]]
            fields = {f.alias or name for name, f in body.model_fields.items()}
            assert set(schema.get("properties", {})) == fields, f"{method} {path}"
            checked += 1
    assert checked > 20


def _resolved(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        found: dict[str, Any] = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
        return found
    return schema


def test_every_list_operation_documents_its_pagination(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    paged = 0
    for path, operations in document["paths"].items():
        answer = operations.get("get", {}).get("responses", {}).get("200")
        if answer is None or "content" not in answer:
            continue
        schema = _resolved(document, answer["content"]["application/json"]["schema"])
        assert schema.get("type") != "array", f"GET {path} returns a bare list"
        if set(schema.get("properties", {})) != {"items", "count", "next"}:
            continue
        parameters = {p["name"]: p["schema"] for p in operations["get"].get("parameters", [])}
        assert parameters["limit"]["maximum"] == MAX_LIMIT, path
        assert parameters["offset"]["minimum"] == 0, path
        paged += 1
    assert paged > 30


def test_a_long_list_comes_in_pages_with_count_and_next(
    api_as: Any, admin: User, program: Program
) -> None:
    for n in range(3):
        Invitation.objects.create(
            program=program,
            email=f"person{n}@example.org",
            role="participant",
            language="en",
            nonce=f"nonce{n}",
            invited_by=admin,
            expires_at=timezone.now() + timedelta(days=7),
        )
    api = api_as(admin)
    first = api.get(f"/programs/{program.pk}/invitations?limit=2").json()
    assert (len(first["items"]), first["count"]) == (2, 3)
    assert first["next"] == f"/api/v1/programs/{program.pk}/invitations?limit=2&offset=2"
    last = api.get(first["next"].removeprefix("/api/v1")).json()
    assert (len(last["items"]), last["next"]) == (1, None)


def test_a_limit_over_the_maximum_names_the_field(
    api_as: Any, admin: User, program: Program
) -> None:
    response = api_as(admin).get(f"/programs/{program.pk}/invitations?limit={MAX_LIMIT + 1}")
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "limit"
