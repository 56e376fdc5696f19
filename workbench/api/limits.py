"""What the API accepts before it reads a request: body size and content type.

``BodyLimit`` refuses a body larger than the setting with 413 as soon as its Content-Length
says so, and otherwise counts the bytes as they arrive, so a body without a length (chunked)
is cut off at the limit too. Nothing is read past the limit and nothing is stored.
"""

from __future__ import annotations

import email.message
from collections.abc import Callable

from fastapi import HTTPException, Request
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from workbench import config

JSON_TYPES = ("application/json",)
JSONL_TYPES = ("application/x-ndjson", "application/jsonl", "application/json-lines")
CSV_TYPES = ("text/csv",)


class BodyTooLargeError(HTTPException):
    """The request body is larger than the API reads."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            status_code=413, detail=f"request body is larger than {limit:,} bytes; send less"
        )


class BodyLimit:
    """ASGI middleware: a request body over ``config.api_max_body_bytes()`` gets 413."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse by Content-Length first; else count the body's bytes as they arrive."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = config.api_max_body_bytes()
        length = Headers(scope=scope).get("content-length")
        refusal = None
        if length is not None and not length.strip().isdigit():
            refusal = JSONResponse({"detail": "bad Content-Length header"}, status_code=400)
        elif length is not None and int(length) > limit:
            refusal = JSONResponse({"detail": BodyTooLargeError(limit).detail}, status_code=413)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLargeError(limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLargeError as exc:
            if started:
                raise
            await JSONResponse({"detail": exc.detail}, status_code=413)(scope, receive, send)


def media_type(request: Request) -> str:
    """The request's media type in lower case, without parameters ("" when absent)."""
    raw = request.headers.get("content-type", "")
    if not raw:
        return ""
    message = email.message.Message()
    message["content-type"] = raw
    return message.get_content_type().lower()


def accepts(*types: str) -> Callable[[Request], str]:
    """A dependency: the request's media type when it is one of ``types``, else 415."""

    def check(request: Request) -> str:
        found = media_type(request)
        if found not in types:
            given = found or "no Content-Type"
            raise HTTPException(
                status_code=415, detail=f"Content-Type must be {' or '.join(types)}, got {given}"
            )
        return found

    return check


async def raw_body(request: Request) -> bytes:
    """The request body, read within the size limit (a dependency of upload endpoints)."""
    return await request.body()
