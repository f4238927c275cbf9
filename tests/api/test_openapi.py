"""The OpenAPI document describes each body once and truly: every schema the
API reads or writes has a name no other schema has (ninja keys components
by class name, so a second class of the same name silently replaces the
first in the document)."""

from __future__ import annotations

import re
import typing
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pydantic
import pytest
from django.test import Client
from ninja.operation import Operation

from commonroom.api.api import api

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
