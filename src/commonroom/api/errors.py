"""One error shape for the whole API:
``{"error": {"code": "...", "message": "...", "field": "..."}}``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from commonroom.care.access import AgreementRequired
from commonroom.core.limits import (
    UnusableText,
    check_text,
    too_large_response,
    unusable_text_response,
)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field


def error_response(status: int, code: str, message: str, field: str | None = None) -> JsonResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if field:
        body["field"] = field
    return JsonResponse({"error": body}, status=status)


def _field_of(loc: list[Any] | tuple[Any, ...]) -> str | None:
    # ninja locations look like ("body", "payload", "email"); the field is the
    # last named part after the container.
    parts = [str(p) for p in loc if not isinstance(p, int)]
    parts = [p for p in parts if p not in {"body", "payload", "query", "path", "data"}]
    return ".".join(parts) or None


class TextCheckingParser(Parser):
    """JSON whose text a database can store: a NUL in a JSON string would
    otherwise reach PostgreSQL and fail as a 500. Query strings and forms are
    checked by request_limits_middleware."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        check_text(data)
        return data


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ApiError)
    def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return error_response(exc.status, exc.code, exc.message, exc.field)

    @api.exception_handler(NinjaValidationError)
    def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        first = exc.errors[0] if exc.errors else {}
        field = _field_of(first.get("loc", ()))
        kind = first.get("type", "invalid")
        if kind == "missing":
            message = f"{field or 'A field'} is required."
        else:
            detail = str(first.get("msg", "is not valid")).removeprefix("Value error, ")
            message = f"{field or 'The request'}: {detail.rstrip('.')}."
        return error_response(422, "invalid" if kind != "missing" else "required", message, field)

    @api.exception_handler(DjangoValidationError)
    def _django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            field, errors = next(iter(exc.error_dict.items()))
            message = " ".join(str(m) for e in errors for m in e.messages)
            code = errors[0].code or "invalid"
            return error_response(422, code, message, None if field == "__all__" else field)
        return error_response(422, exc.code or "invalid", " ".join(exc.messages))

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = error_response(
            401, "unauthenticated", "Send a valid token: Authorization: Bearer <token>."
        )
        response["WWW-Authenticate"] = 'Bearer realm="commonroom"'
        return response

    @api.exception_handler(AgreementRequired)
    def _agreement_required(request: HttpRequest, exc: AgreementRequired) -> HttpResponse:
        message = _("Accept version %(version)s of the group agreement first.") % {
            "version": exc.agreement.version
        }
        return error_response(403, "agreement_required", message, "version")

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(404, "not_found", "Not found.")

    @api.exception_handler(RequestDataTooBig)
    def _too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return too_large_response(request)

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja wraps whatever the body parser raises in a 400 HttpError.
        if isinstance(exc.__cause__, UnusableText):
            return unusable_text_response(request, exc.__cause__.field)
        if exc.status_code == 400 and "parse" in str(exc).lower():
            return error_response(
                400, "malformed_json", "The request body is not valid JSON.", "body"
            )
        return error_response(exc.status_code, "error", str(exc))

    @api.exception_handler(Exception)
    def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        import logging

        logging.getLogger("commonroom.api").exception("unhandled API error")
        return error_response(500, "server_error", "Something went wrong on our side.")
