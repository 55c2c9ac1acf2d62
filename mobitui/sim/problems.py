"""RFC 9457 problem documents: every error the server gives has the same shape and a stable code.

Handlers raise :class:`Problem`; the app turns it into ``application/problem+json``
``{type, title, status, detail, code}``. Clients switch on ``code`` (one typed error per code),
never on the human-readable ``title`` or ``detail``.
"""

from __future__ import annotations

import json
import math
from typing import Any

from starlette.responses import Response

PROBLEM_TYPE_BASE = "urn:mobitui:problem:"

TITLES: dict[str, tuple[int, str]] = {
    "invalid_credentials": (401, "Invalid credentials"),
    "unauthenticated": (401, "Authentication required"),
    "forbidden": (403, "Forbidden"),
    "invalid_password": (403, "Invalid password"),
    "not_found": (404, "Not found"),
    "method_not_allowed": (405, "Method not allowed"),
    "already_executed": (409, "Request already executed"),
    "body_too_large": (413, "Request body too large"),
    "too_many_devices": (413, "Too many devices"),
    "invalid_body": (422, "Invalid request body"),
    "duplicate_key": (422, "Duplicate key in the request body"),
    "invalid_query": (422, "Invalid query parameter"),
    "agreement_required": (422, "Agreement required"),
    "schedule_in_past": (422, "Schedule in the past"),
    "idempotency_key_required": (422, "Idempotency-Key header required"),
    "idempotency_key_reused": (422, "Idempotency-Key reused with a different body"),
    "rate_limited": (429, "Too many requests"),
    "internal_error": (500, "Internal server error"),
}


class Problem(Exception):
    """An error answer; ``retry_after`` adds a ``Retry-After`` header (seconds)."""

    def __init__(
        self,
        code: str,
        detail: str,
        *,
        retry_after: float | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.code = code
        self.status, self.title = TITLES[code]
        self.detail = detail
        self.headers = dict(headers or {})
        if retry_after is not None:
            self.headers["Retry-After"] = str(max(1, math.ceil(retry_after)))

    def to_json(self) -> dict[str, Any]:
        return {
            "type": PROBLEM_TYPE_BASE + self.code,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        }

    def response(self) -> Response:
        return problem_response(self)


def problem_response(problem: Problem) -> Response:
    body = json.dumps(problem.to_json(), ensure_ascii=False).encode("utf-8")
    return Response(
        body,
        status_code=problem.status,
        media_type="application/problem+json",
        headers=problem.headers,
    )
