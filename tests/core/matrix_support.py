"""What the route matrix (tests/core/test_route_matrix.py) needs besides its
table: the routes and operations as the resolver and the OpenAPI schema list
them, one world with an object behind every id it knows, and the outcome of
one request as one persona."""

from __future__ import annotations

import datetime as dt
import functools
import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

# The outcomes a persona can meet on a route.
SHOWN = "shown"  # not refused by the access policy (the page, or a form error)
HIDDEN = "404"  # refused without saying why: the object is "not found"
LOGIN = "login"  # anonymous: sent to sign in (pages) or 401 (API)
AGREEMENT = "agreement"  # sent to the group agreement (pages) or 403 (API)
FORBIDDEN = "403"  # a refusal that names its reason (a join too early, ...)
INVALID = "invalid"  # 400/422: past the access check, the input was refused
BROKEN = "500"  # never acceptable

# Third-party areas with their own tests (allauth's sign-in pages, Django's
# admin site) are not walked.
SKIPPED_PREFIXES = ("accounts/", "site-admin/")


def html_routes() -> set[str]:
    """Every page route, as the resolver prints its pattern."""
    found: set[str] = set()

    def walk(patterns: list[URLPattern | URLResolver], prefix: str = "") -> None:
        for pattern in patterns:
            text = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern) in SKIPPED_PREFIXES:
                    continue
                if text == "api/v1/":
                    continue  # the API's routes are its operations, below
                walk(pattern.url_patterns, text)
            else:
                found.add(text)

    walk(get_resolver().url_patterns)
    return found


@functools.cache
def api_operations() -> dict[str, dict[str, Any]]:
    """``"POST /api/v1/threads/{thread_id}/lock"`` -> its OpenAPI operation."""
    from commonroom.api.api import api

    schema = api.get_openapi_schema()
    operations: dict[str, dict[str, Any]] = {}
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            operations[f"{method.upper()} {path}"] = {"op": operation, "schema": schema}
    return operations


_PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\{(\w+)\}")


def params_of(route: str) -> list[str]:
    return [a or b for a, b in _PARAM.findall(route)]


def fill(route: str, ids: dict[str, Any]) -> str:
    """The route with each parameter replaced by the world's object."""
    return _PARAM.sub(lambda m: str(ids[m.group(1) or m.group(2)]), route)


# --- request bodies generated from the OpenAPI schema ---------------------------


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    if "anyOf" in node:
        options = [o for o in node["anyOf"] if o.get("type") != "null"]
        node = _resolve(schema, options[0]) if options else {"type": "null"}
    if "allOf" in node:
        node = _resolve(schema, node["allOf"][0])
    return node


def example(schema: dict[str, Any], node: dict[str, Any], ids: dict[str, int] | None = None) -> Any:
    """A plausible value for a schema node: every required field filled, so
    the request reaches the operation's access check. An id field the world
    builds (``user_id``, ``prompt_id``) names the world's object, so the
    answer does not depend on which ids earlier tests used up."""
    node = _resolve(schema, node)
    if "enum" in node:
        return node["enum"][0]
    if "default" in node and node["default"] is not None:
        return node["default"]
    kind = node.get("type")
    fmt = node.get("format")
    if kind == "object" or "properties" in node:
        return {
            name: ids[name]
            if ids and name in ids and _resolve(schema, prop).get("type") == "integer"
            else example(schema, prop, ids)
            for name, prop in node.get("properties", {}).items()
            if name in node.get("required", [])
        }
    if kind == "array":
        return []
    if kind == "integer":
        return max(1, int(node.get("minimum", 1)))
    if kind == "number":
        return max(1, node.get("minimum", 1))
    if kind == "boolean":
        return True
    if fmt == "uuid":
        return str(uuid.uuid4())
    if fmt == "date":
        return (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    if fmt == "date-time":
        return (timezone.now() + dt.timedelta(days=7)).isoformat()
    if fmt == "uri" or fmt == "url":
        return "https://example.org/"
    return "Something kind to say."


def body_for(operation: dict[str, Any], ids: dict[str, int] | None = None) -> Any:
    content = operation["op"].get("requestBody", {}).get("content", {})
    json_body = content.get("application/json")
    if json_body is None:
        return None
    return example(operation["schema"], json_body["schema"], ids)


# --- one request, one outcome -------------------------------------------------------


@dataclass
class Caller:
    """One persona's two channels: a signed-in browser and an API token."""

    client: Client
    token: str | None

    def page(self, method: str, url: str) -> HttpResponse:
        return self._once(lambda: getattr(self.client, method.lower())(url))  # type: ignore[no-any-return]

    def api(self, method: str, url: str, body: Any) -> HttpResponse:
        import json

        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        kwargs: dict[str, Any] = {"headers": headers}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return self._once(lambda: getattr(self.client, method.lower())(url, **kwargs))  # type: ignore[no-any-return]

    @staticmethod
    def _once(send: Any) -> HttpResponse:
        """Whatever the request changes is undone, so one world serves every
        row: a moderator's hide must not hide the message from the next row."""
        with transaction.atomic():
            response: HttpResponse = send()
            transaction.set_rollback(True)
        return response


def outcome(response: HttpResponse, url: str = "") -> str:
    status = response.status_code
    location = response.get("Location", "") or response.get("HX-Redirect", "")
    if status >= 500:
        return BROKEN
    if status == 401 or (status == 302 and location.startswith("/accounts/login/")):
        return LOGIN
    if status == 404:
        return HIDDEN
    if "/agreement/" in location and "/agreement/" not in url:
        return AGREEMENT
    if status == 403:
        if response.get("Content-Type", "").startswith("application/json"):
            code = response.json().get("error", {}).get("code")  # type: ignore[attr-defined]
            if code == "agreement_required":
                return AGREEMENT
        return FORBIDDEN
    if status in (400, 422):
        return INVALID
    return SHOWN
