"""A stateful fake of PagerDuty's schedule-override and escalation-policy endpoints.

An HTTP server on 127.0.0.1 (a free port) that keeps overrides and policies in memory, as
PagerDuty would, and checks what it is sent: the headers every request needs, and every
body against the schemas derived from PagerDuty's official OpenAPI description. It can be
told to answer the next requests with an error (429, 500, ...), to refuse overrides of
some users inside a 201 (as PagerDuty does), and it pages the override list.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

TOKEN = "fake-token-6f1d"  # noqa: S105 - the fake's own token, not a secret
ACCEPT = "application/vnd.pagerduty+json;version=2"
STALL = 1.0

Check = Callable[[str, dict[str, Any]], None]
"""Validates a body against a schema file's name; raises AssertionError."""


@dataclass
class Fake:
    """What the fake holds and what it saw."""

    schedules: set[str]
    check: Check
    overrides: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    policies: list[dict[str, Any]] = field(default_factory=list)
    log: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    errors: list[tuple[str, int]] = field(default_factory=list)
    """(method and path prefix, status): answer the next such request with this status, or
    with status 0, answer it only after `STALL` seconds (the client has given up by then)."""
    refuse_users: set[str] = field(default_factory=set)
    page: int = 2
    url: str = ""
    _ids: Iterator[int] = field(default_factory=itertools.count)

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):05d}"

    def add(self, schedule: str, start: str, end: str, user: str) -> str:
        """An override made by someone else (by hand, or an earlier run)."""
        override = {
            "id": self.new_id("Q"),
            "start": start,
            "end": end,
            "user": {"id": user, "type": "user_reference"},
        }
        self.overrides.setdefault(schedule, []).append(override)
        return str(override["id"])

    def live(self, schedule: str) -> set[tuple[datetime, datetime, str]]:
        """The overrides of a schedule as (start, end, user), instants compared."""
        return {
            (
                datetime.fromisoformat(o["start"]),
                datetime.fromisoformat(o["end"]),
                o["user"]["id"],
            )
            for o in self.overrides.get(schedule, [])
        }

    def writes(self) -> list[tuple[str, str]]:
        return [(m, p) for m, p in self.log if m != "GET"]


class _Handler(BaseHTTPRequestHandler):
    fake: Fake

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests read `Fake.log`."""

    def _send(self, status: int, body: Any = None) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, message: str) -> None:
        self._send(status, {"error": {"message": message, "code": 2000 + status}})

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length)) if length else None

    def _handle(self) -> None:
        fake = self.fake
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        method = self.command
        fake.log.append((method, path))
        body = self._body()
        accept = [a.strip() for a in (self.headers.get("Accept") or "").split(",")]
        if ACCEPT not in accept or "application/json" not in accept:
            fake.problems.append(f"{method} {path}: Accept is {self.headers.get('Accept')!r}")
        if self.headers.get("Content-Type") != "application/json":
            fake.problems.append(f"{method} {path}: no Content-Type: application/json")
        if self.headers.get("Authorization") != f"Token token={TOKEN}":
            self._error(401, "Unauthorized")
            return
        for index, (prefix, status) in enumerate(fake.errors):
            if f"{method} {path}".startswith(prefix):
                del fake.errors[index]
                if status == 0:
                    time.sleep(STALL)
                    break
                self._error(status, "scripted error")
                return
        segments = path.strip("/").split("/")
        try:
            if segments[0] == "schedules" and segments[2:3] == ["overrides"]:
                self._overrides(method, segments, query, body)
            elif segments[0] == "escalation_policies":
                self._policies(method, segments, query, body)
            else:
                self._error(404, "Not Found")
        except AssertionError as exc:
            fake.problems.append(f"{method} {path}: {exc}")
            self._error(400, str(exc))

    def _overrides(
        self, method: str, segments: list[str], query: dict[str, list[str]], body: Any
    ) -> None:
        fake = self.fake
        schedule = segments[1]
        if schedule not in fake.schedules:
            self._error(404, "Schedule Not Found")
            return
        held = fake.overrides.setdefault(schedule, [])
        if method == "GET":
            since = datetime.fromisoformat(query["since"][0])
            until = datetime.fromisoformat(query["until"][0])
            assert query.get("overflow") == ["true"], "expected overflow=true"
            found = [
                o
                for o in sorted(held, key=lambda o: o["start"])
                if datetime.fromisoformat(o["start"]) < until
                and datetime.fromisoformat(o["end"]) > since
            ]
            offset = int(query.get("offset", ["0"])[0])
            page = found[offset : offset + fake.page]
            more = offset + len(page) < len(found)
            self._send(200, {"overrides": page, "offset": offset, "more": more})
        elif method == "POST" and len(segments) == 3:
            fake.check("overrides-request.schema.json", body)
            answers = []
            for override in body["overrides"]:
                if override["user"]["id"] in fake.refuse_users:
                    answers.append(
                        {
                            "status": 400,
                            "errors": ["User is not in the schedule"],
                            "override": override,
                        }
                    )
                    continue
                made = {"id": fake.new_id("Q"), **override}
                held.append(made)
                answers.append({"status": 201, "override": made})
            self._send(201, answers)
        elif method == "DELETE" and len(segments) == 4:
            for override in held:
                if override["id"] == segments[3]:
                    held.remove(override)
                    self._send(204)
                    return
            self._error(404, "Override Not Found")
        else:
            self._error(405, "Method Not Allowed")

    def _policies(
        self, method: str, segments: list[str], query: dict[str, list[str]], body: Any
    ) -> None:
        fake = self.fake
        if method == "GET" and len(segments) == 1:
            text = query.get("query", [""])[0].lower()
            found = [p for p in fake.policies if text in p["name"].lower()]
            self._send(200, {"escalation_policies": found, "offset": 0, "more": False})
        elif method == "POST" and len(segments) == 1:
            fake.check("escalation-policy-request.schema.json", body)
            made = {"id": fake.new_id("E"), **body["escalation_policy"]}
            fake.policies.append(made)
            self._send(201, {"escalation_policy": made})
        elif method == "PUT" and len(segments) == 2:
            fake.check("escalation-policy-request.schema.json", body)
            for index, policy in enumerate(fake.policies):
                if policy["id"] == segments[1]:
                    fake.policies[index] = {"id": policy["id"], **body["escalation_policy"]}
                    self._send(200, {"escalation_policy": fake.policies[index]})
                    return
            self._error(404, "Not Found")
        else:
            self._error(405, "Method Not Allowed")

    do_GET = do_POST = do_PUT = do_DELETE = _handle  # noqa: N815 - http.server's names


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: a client that gave up on a stalled answer has closed its connection."""


def serve(fake: Fake) -> tuple[ThreadingHTTPServer, threading.Thread]:
    """Start the fake on 127.0.0.1 (a free port); set ``fake.url``."""
    handler = type("Handler", (_Handler,), {"fake": fake})
    server = _Server(("127.0.0.1", 0), handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread
