"""Make PagerDuty match a rotation: read the live overrides, diff, then apply.

`diff_overrides` compares the overrides a rotation asks for with those PagerDuty holds on
the managed schedules; `sync_overrides` (and `sync_policy`, for the escalation policy)
reads them and performs the difference through `PagerDutyApi`, a thin layer over
PagerDuty's official Python client (``pagerduty.RestApiV2Client``: retries, backoff). The
client is imported only when a `PagerDutyApi` is made, so the other commands start as
quickly as before.

Rules:

- An override is the same as another when schedule, start, end and user are equal, whoever
  made it. Equal ones are kept (a duplicate beyond the first is deleted, if in the future).
- An override that has started (past or in progress) is never touched, and a planned one
  that has started is not created: who is on call now stays as it is. Those in progress
  are listed, past ones counted.
- Every other live override that starts inside ``[since, until)`` on a managed schedule and
  is not in the plan is stale: it is deleted. Hand-made overrides are no exception (swaps
  belong in the rotation file, where the checker sees them).
- Deletes go first, one by one (so a schedule never holds the old and the new override of
  one stretch at once); creates follow, `MAX_OVERRIDES` per request. Every
  per-override status in PagerDuty's replies is checked; each failure is named, and the
  rest goes on.
"""

from __future__ import annotations

import ipaddress
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from oncall.errors import InputError, OncallError
from oncall.export.pagerduty import (
    MAX_OVERRIDES,
    Override,
    PlannedOverrides,
    override_body,
    policy_body,
)
from oncall.models import Team
from oncall.timeutil import format_instant, format_span

if TYPE_CHECKING:  # pragma: no cover
    import httpx2

__all__ = [
    "ACCEPT",
    "DEFAULT_API_URL",
    "EU_API_URL",
    "Failure",
    "OverrideDiff",
    "PagerDutyApi",
    "PagerDutyError",
    "PolicyChange",
    "Span",
    "SyncResult",
    "api_url",
    "connect",
    "describe",
    "diff_overrides",
    "sync_json",
    "sync_overrides",
    "sync_policy",
    "sync_text",
]

DEFAULT_API_URL: Final = "https://api.pagerduty.com"
EU_API_URL: Final = "https://api.eu.pagerduty.com"
ACCEPT: Final = "application/vnd.pagerduty+json;version=2, application/json"
"""PagerDuty selects the API version by the first; its own OpenAPI document declares the
responses as the second, and a strict server (Prism) refuses a request without it (406)."""
TIMEOUT: Final = 30.0
"""Seconds for each request to connect, send and answer."""
RETRIES: Final = 5
"""How often a request answered 429 or 5xx is tried again, waiting 1, 2, 4, 8, 16 s."""
NETWORK_RETRIES: Final = 3
"""How often a request that found no answer (refused, reset, timed out) is tried again."""
DEADLINE: Final = 300.0
"""Seconds after which no further request is started: the whole sync is bounded."""
_RETRIED: Final = (429, 500, 502, 503, 504)


class PagerDutyError(OncallError):
    """PagerDuty could not be reached, or refused the token or a schedule (exit 2)."""


def api_url(url: str) -> str:
    """The API's base URL, checked: https, or plain http to a loopback host (for tests).

    Raises:
        InputError: another scheme, a non-loopback http host, or a path, query or fragment.
    """
    parts = urlsplit(url)
    hint = f"{DEFAULT_API_URL}, or {EU_API_URL} for the EU service region"
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise InputError("expected an https:// URL", value=url, path=("--api-url",), hint=hint)
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise InputError(
            "expected the API's base URL, without a path", value=url, path=("--api-url",), hint=hint
        )
    if parts.scheme == "http" and not _loopback(parts.hostname):
        raise InputError(
            "plain http is accepted only for a loopback host (a local mock)",
            value=url,
            path=("--api-url",),
            hint=hint,
        )
    return f"{parts.scheme}://{parts.netloc}"


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class Failure:
    """Something PagerDuty refused: what was tried, and its answer.

    Attributes:
        action: ``create``, ``delete`` or ``update``.
        what: the override or policy, for people.
        reason: PagerDuty's answer.
        override: the override, when it was one.
    """

    action: str
    what: str
    reason: str
    override: Override | None = None


@dataclass(frozen=True, slots=True)
class OverrideDiff:
    """The live overrides compared with the plan.

    Attributes:
        create: planned, not in PagerDuty, not yet started.
        delete: in PagerDuty, not planned, starting inside the range and not yet started.
        keep: in PagerDuty as planned.
        started: in PagerDuty, not planned, in progress: left alone.
        missed: planned, not in PagerDuty, in progress: not created.
        past: how many overrides in PagerDuty, not planned, have ended: left alone.
    """

    create: tuple[Override, ...] = ()
    delete: tuple[Override, ...] = ()
    keep: tuple[Override, ...] = ()
    started: tuple[Override, ...] = ()
    missed: tuple[Override, ...] = ()
    past: int = 0

    @property
    def changes(self) -> bool:
        """Whether applying it would change anything."""
        return bool(self.create or self.delete)


def diff_overrides(
    planned: Sequence[Override],
    live: Sequence[Override],
    *,
    since: datetime,
    until: datetime,
    now: datetime,
) -> OverrideDiff:
    """What to create and delete so that the live overrides match the planned ones."""
    remaining: dict[tuple[str, datetime, datetime, str], list[Override]] = defaultdict(list)
    for override in sorted(live, key=lambda o: (o.start, o.end, o.id or "")):
        remaining[override.key].append(override)
    create, keep, missed = [], [], []
    for override in planned:
        matches = remaining.get(override.key)
        if matches:
            keep.append(matches.pop(0))
        elif override.start > now:
            create.append(override)
        elif override.end > now:
            missed.append(override)
    delete, started, past = [], [], 0
    for override in (o for group in remaining.values() for o in group):
        if override.end <= now:
            past += 1
        elif override.start <= now:
            started.append(override)
        elif since <= override.start < until:
            delete.append(override)

    def order(o: Override) -> tuple[datetime, datetime, str, str]:
        return (o.start, o.end, o.schedule, o.user)

    return OverrideDiff(
        create=tuple(sorted(create, key=order)),
        delete=tuple(sorted(delete, key=order)),
        keep=tuple(sorted(keep, key=order)),
        started=tuple(sorted(started, key=order)),
        missed=tuple(sorted(missed, key=order)),
        past=past,
    )


class _LoopbackHttp:
    """Plain http for a loopback ``--api-url``, under PagerDuty's https-only client.

    ``RestApiV2Client`` refuses a base URL that is not https. Against a local mock (the
    tests' fake, Prism) the client is given ``https://host:port`` and this transport, which
    sends each request over plain http to the same host and port. `api_url` admits plain
    http only for loopback hosts, so nothing leaves the machine unencrypted. (The other
    way, serving the mocks over TLS with a throwaway CA, would need a TLS front for Prism.)
    """

    def __init__(self) -> None:
        import httpx2  # noqa: PLC0415 - with the client, only for sync

        self._inner = httpx2.HTTPTransport()

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        request.url = request.url.copy_with(scheme="http")
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


class PagerDutyApi:
    """The few REST API v2 calls sync makes, through PagerDuty's official client.

    The client retries 429 and 5xx answers with exponential backoff (`RETRIES` times) and
    network errors (`NETWORK_RETRIES` times); each request has a `TIMEOUT`, and no request
    starts after `DEADLINE` seconds. Every request sends both `ACCEPT` types and
    ``Content-Type`` (PagerDuty's description requires it on every operation, even a GET).
    """

    BACKOFF: float = 0.5
    """Seconds before the first retry; each next wait is twice the last."""

    def __init__(self, url: str, token: str, *, sender: str | None = None) -> None:
        from pagerduty import RestApiV2Client  # noqa: PLC0415 - only sync needs it

        self.url = base = api_url(url)
        extra: dict[str, Any] = {}
        if base.startswith("http://"):
            base = "https://" + base.removeprefix("http://")
            # No proxy from the environment: it would take the request instead of the transport.
            extra.update(transport=_LoopbackHttp(), trust_env=False)
        try:  # the TLS context is made here: certificates that cannot be loaded are refused
            self._client = RestApiV2Client(token, base_url=base, **extra)
        except OSError as exc:  # ssl.SSLError among them (SSL_CERT_FILE, SSL_CERT_DIR)
            raise PagerDutyError(
                f"cannot set up the connection to {self.url}: the trusted certificates could "
                f"not be loaded ({exc.strerror or exc}); check SSL_CERT_FILE and SSL_CERT_DIR"
            ) from None
        self._client.timeout = TIMEOUT  # type: ignore[assignment] # its default is an int
        self._client.retry = dict.fromkeys(_RETRIED, RETRIES)
        self._client.max_http_attempts = RETRIES
        self._client.max_network_attempts = NETWORK_RETRIES
        self._client.sleep_timer = self.BACKOFF
        self._client.sleep_timer_base = 2
        self._sender = sender
        self._stop = time.monotonic() + DEADLINE

    def close(self) -> None:
        """Close the connections."""
        self._client.close()

    def request(
        self, method: str, path: str, *, body: Any = None, params: Any = None
    ) -> httpx2.Response:
        """One request; raises `PagerDutyError` when it could not be made or was refused.

        401 (the token), 403 (its permissions) and 404 (a schedule or policy, named) stop
        the sync; a 404 for one override is returned (it is gone already). Other answers
        are returned for the caller to read. ``From`` (the team's email) goes with changes
        to the escalation policy, whose change log names who made them.
        """
        from pagerduty import Error  # noqa: PLC0415 - only sync needs it

        if time.monotonic() > self._stop:
            raise PagerDutyError(
                f"gave up before {method} {path}: the sync has taken over {DEADLINE:.0f} seconds"
            )
        headers = {"Accept": ACCEPT, "Content-Type": "application/json"}
        if self._sender and method in ("POST", "PUT") and path.startswith("/escalation"):
            headers["From"] = self._sender
        where = f"{method} {self.url}{path}"
        try:
            response = self._client.request(method, path, headers=headers, json=body, params=params)
        except Error as exc:
            status = exc.response.status_code if exc.response is not None else None
            raise PagerDutyError(_refusal(where, path, status)) from None
        status = response.status_code
        if status in (401, 403) or (status == 404 and "/overrides/" not in path):
            raise PagerDutyError(_refusal(where, path, status, _reason(response)))
        return response

    def _list(self, path: str, key: str, params: dict[str, str]) -> list[Any]:
        """Every item of a list endpoint, following ``more`` page by page (by ``offset``).

        The first request sends only ``params``: the override list declares no paging
        parameters (PagerDuty's description), so they are sent only if an answer says
        ``more``. Any answer but a 2xx with the list stops the sync.
        """
        found: list[Any] = []
        query: dict[str, str | int] = dict(params)
        while True:
            response = self.request("GET", path, params=query)
            where = f"GET {self.url}{path}"
            if not response.is_success:
                raise PagerDutyError(_refusal(where, path, response.status_code, _reason(response)))
            body = _json(response, where)
            page = body.get(key) if isinstance(body, dict) else None
            if not isinstance(page, list):
                raise PagerDutyError(f"{where}: PagerDuty's answer has no list of {key}")
            found.extend(page)
            if not (body.get("more") is True and page):
                return found
            query = {**query, "offset": len(found), "limit": len(page)}

    def overrides(self, schedule: str, since: datetime, until: datetime) -> list[Override]:
        """The overrides of ``schedule`` that overlap ``[since, until)``, whole.

        ``overflow=true`` asks for their true ends rather than ends cut at the range.
        """
        params = {"since": _utc(since), "until": _utc(until), "overflow": "true"}
        items = self._list(f"/schedules/{schedule}/overrides", "overrides", params)
        return [_override(schedule, item) for item in items]

    def create(self, team: Team, schedule: str, batch: Sequence[Override]) -> list[Failure]:
        """Create ``batch`` (at most `MAX_OVERRIDES`) on ``schedule``; what was refused."""
        path = f"/schedules/{schedule}/overrides"
        body = {"overrides": [override_body(team, o) for o in batch]}
        response = self.request("POST", path, body=body)
        if response.status_code != 201:
            reason = f"{response.status_code}: {_reason(response)}"
            return [Failure("create", describe(team, o), reason, o) for o in batch]
        answers = _json(response, f"the reply to POST {path}")
        if not isinstance(answers, list) or len(answers) != len(batch):
            reason = "PagerDuty's reply does not give one status per override"
            return [Failure("create", describe(team, o), reason, o) for o in batch]
        failures = []
        for override, answer in zip(batch, answers, strict=True):
            status = answer.get("status") if isinstance(answer, dict) else None
            if status != 201:
                errors = answer.get("errors") if isinstance(answer, dict) else None
                detail = "; ".join(str(e) for e in errors) if isinstance(errors, list) else ""
                reason = f"status {status}" + (f": {detail}" if detail else "")
                failures.append(Failure("create", describe(team, override), reason, override))
        return failures

    def delete(self, team: Team, override: Override) -> Failure | None:
        """Delete one override; what went wrong, if anything (gone already is fine)."""
        path = f"/schedules/{override.schedule}/overrides/{override.id}"
        response = self.request("DELETE", path)
        if response.status_code in (200, 204, 404):  # 404: deleted meanwhile, as wanted
            return None
        reason = f"{response.status_code}: {_reason(response)}"
        return Failure("delete", describe(team, override), reason, override)

    def policies(self, name: str) -> list[dict[str, Any]]:
        """The escalation policies called exactly ``name``."""
        items = self._list("/escalation_policies", "escalation_policies", {"query": name})
        return [p for p in items if isinstance(p, dict) and p.get("name") == name]

    def save_policy(self, change: PolicyChange, policy: dict[str, Any]) -> Failure | None:
        """Create the policy, or update it (``PUT``), as ``change`` says."""
        body = {"escalation_policy": policy}
        if change.action == "keep":
            return None
        if change.action == "create":
            response = self.request("POST", "/escalation_policies", body=body)
            ok = response.status_code == 201
        else:
            path = f"/escalation_policies/{change.id}"
            response = self.request("PUT", path, body=body)
            ok = response.status_code == 200
        if ok:
            return None
        reason = f"{response.status_code}: {_reason(response)}"
        return Failure(change.action, f"escalation policy {change.name!r}", reason)


def _utc(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _json(response: httpx2.Response, what: str) -> Any:
    try:
        return response.json()
    except ValueError:
        raise PagerDutyError(f"{what}: PagerDuty's answer is not JSON") from None


def _reason(response: httpx2.Response) -> str:
    """PagerDuty's ``error.message`` and ``error.errors``, else the status phrase."""
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        parts = [str(error.get("message") or "")]
        if isinstance(error.get("errors"), list):
            parts.extend(str(e) for e in error["errors"])
        text = "; ".join(p for p in parts if p)
        if text:
            return text[:300]
    return response.reason_phrase or "no reason given"


def _subject(path: str) -> str:
    """What a path is about, for people: ``schedule PPRIMRY``, ``escalation policy P1``."""
    parts = path.strip("/").split("/")
    if parts[0] == "schedules" and len(parts) > 1:
        return f"schedule {parts[1]}"
    if parts[0] == "escalation_policies" and len(parts) > 1:
        return f"escalation policy {parts[1]}"
    return "escalation policies"


def _refusal(where: str, path: str, status: int | None, reason: str = "") -> str:
    """Why the sync stopped, naming what was asked for; never the token."""
    subject = _subject(path)
    if status == 401:
        return (
            f"{where}: PagerDuty refused the token in PAGERDUTY_TOKEN (401 Unauthorized); "
            f"check it, and use --api-url {EU_API_URL} for an account in the EU service region"
        )
    if status == 403:
        return (
            f"{where}: the token may not read or change {subject} (403 Forbidden); "
            "use a REST API key with write access"
        )
    if status == 404:
        return f"{where}: PagerDuty has no {subject} (404 Not Found); check the id"
    if status is None:
        return f"{where}: PagerDuty could not be reached (tried {NETWORK_RETRIES + 1} times)"
    answer = f"{where}: PagerDuty answered {status}"
    if status == 429 or status >= 500:
        answer += f" {RETRIES + 1} times"
    return answer + (f": {reason}" if reason else "")


def _override(schedule: str, item: Any) -> Override:
    """A live override from PagerDuty's JSON."""
    try:
        return Override(
            schedule,
            datetime.fromisoformat(item["start"]).astimezone(UTC),
            datetime.fromisoformat(item["end"]).astimezone(UTC),
            str(item["user"]["id"]),
            str(item["id"]),
        )
    except (KeyError, TypeError, ValueError):
        raise PagerDutyError(
            f"schedule {schedule}: PagerDuty returned an override oncall cannot read"
        ) from None


def _who(team: Team, user: str) -> str:
    """The name of the person with this PagerDuty id, else the id."""
    names = {p.pagerduty_id: p.name for p in team.people if p.pagerduty_id}
    return names.get(user, f"PagerDuty user {user}")


def describe(team: Team, override: Override) -> str:
    """``PPRIMRY Thu 2026-12-03 19:00-23:00 EST Ada Park (override Q1)``."""
    span = format_span(override.start, override.end, team.zone)
    text = f"{override.schedule} {span} {_who(team, override.user)}"
    return text + (f" (override {override.id})" if override.id else "")


@dataclass(frozen=True, slots=True)
class Span:
    """The range a sync manages, ``[since, until)``, and the time now."""

    since: datetime
    until: datetime
    now: datetime


@dataclass(frozen=True, slots=True)
class PolicyChange:
    """What the escalation policy needs: ``create``, ``update`` or ``keep``."""

    action: str
    name: str
    id: str | None = None


@dataclass(slots=True)
class SyncResult:
    """What a sync found and did.

    Attributes:
        diffs: per managed schedule, in order.
        policy: the escalation policy's change, when asked for.
        applied: whether the changes were made (``--apply``).
        failures: what PagerDuty refused.
    """

    diffs: dict[str, OverrideDiff]
    policy: PolicyChange | None = None
    applied: bool = False
    failures: list[Failure] = field(default_factory=list)


def _same_policy(wanted: dict[str, Any], live: dict[str, Any]) -> bool:
    """Whether the live policy already says what the team file says."""

    def rules(policy: dict[str, Any]) -> list[tuple[int, list[tuple[str, str]]]]:
        # Targets come back as ``user_reference`` or ``user``: the kind is what counts.
        return [
            (
                int(rule.get("escalation_delay_in_minutes", -1)),
                [
                    (str(t.get("id")), str(t.get("type", "")).removesuffix("_reference"))
                    for t in rule.get("targets", [])
                ],
            )
            for rule in policy.get("escalation_rules", [])
        ]

    described = "description" not in wanted or wanted["description"] == live.get("description")
    return (
        described
        and wanted.get("num_loops", 0) == live.get("num_loops", 0)
        and rules(wanted) == rules(live)
    )


def sync_overrides(
    api: PagerDutyApi, team: Team, planned: PlannedOverrides, span: Span, *, apply: bool
) -> SyncResult:
    """Compare each managed schedule's overrides with the plan; with ``apply``, match them.

    Raises:
        PagerDutyError: PagerDuty could not be reached, or refused the token or a schedule.
    """
    diffs = {}
    for schedule in planned.schedules:
        live = api.overrides(schedule, span.since, span.until)
        mine = [o for o in planned.overrides if o.schedule == schedule]
        diffs[schedule] = diff_overrides(
            mine, live, since=span.since, until=span.until, now=span.now
        )
    result = SyncResult(diffs, applied=apply)
    if not apply:
        return result
    for diff in diffs.values():
        for override in diff.delete:
            failure = api.delete(team, override)
            if failure is not None:
                result.failures.append(failure)
    for schedule, diff in diffs.items():
        for first in range(0, len(diff.create), MAX_OVERRIDES):
            batch = diff.create[first : first + MAX_OVERRIDES]
            result.failures.extend(api.create(team, schedule, batch))
    return result


def sync_policy(api: PagerDutyApi, team: Team, result: SyncResult) -> None:
    """Find the escalation policy named in the team file; create or update it if applying.

    Raises:
        InputError: the team file has no escalation section, or names someone without a
            ``pagerduty_id`` in it.
        PagerDutyError: PagerDuty has several policies of that name, or refused.
    """
    wanted = policy_body(team)
    found = api.policies(wanted["name"])
    if len(found) > 1:
        ids = ", ".join(str(p.get("id")) for p in found)
        raise PagerDutyError(
            f"PagerDuty has {len(found)} escalation policies called {wanted['name']!r} "
            f"({ids}); rename or remove all but one"
        )
    if not found:
        result.policy = PolicyChange("create", wanted["name"])
    else:
        action = "keep" if _same_policy(wanted, found[0]) else "update"
        result.policy = PolicyChange(action, wanted["name"], str(found[0].get("id")))
    if result.applied:
        failure = api.save_policy(result.policy, wanted)
        if failure is not None:
            result.failures.append(failure)


def _line(team: Team, label: str, override: Override) -> str:
    span = format_span(override.start, override.end, team.zone)
    ref = f" (override {override.id})" if override.id else ""
    return f"  {label:<9} {span}  {_who(team, override.user)}{ref}\n"


def sync_text(team: Team, result: SyncResult) -> str:
    """The diff for people, in the team's local time with names; what failed, if applied."""
    done = result.applied
    out = []
    failed = {(f.action, f.override) for f in result.failures if f.override is not None}
    for schedule, diff in result.diffs.items():
        counts = []
        for action, overrides in (("create", diff.create), ("delete", diff.delete)):
            if not done:
                counts.append(f"to {action} {len(overrides)}")
                continue
            lost = sum((action, o) in failed for o in overrides)
            counts.append(
                f"{action}d {len(overrides) - lost}" + (f" ({lost} failed)" if lost else "")
            )
        counts.append(f"unchanged {len(diff.keep)}")
        out.append(f"Schedule {schedule}: {', '.join(counts)}\n")
        out.extend(_line(team, "create", o) for o in diff.create)
        out.extend(_line(team, "delete", o) for o in diff.delete)
        out.extend(_line(team, "started", o) for o in diff.started)
        out.extend(_line(team, "too late", o) for o in diff.missed)
        if diff.started:
            out.append(
                f"  {len(diff.started)} override(s) not in the plan are in progress: left alone\n"
            )
        if diff.missed:
            out.append(
                f"  {len(diff.missed)} planned override(s) are in progress already: not created "
                "(who is on call now is not changed)\n"
            )
        if diff.past:
            out.append(f"  {diff.past} past override(s) not in the plan: left alone\n")
    if result.policy is not None:
        ref = f" ({result.policy.id})" if result.policy.id else ""
        state = {
            "create": "created" if done else "to create",
            "update": "updated" if done else "to update",
            "keep": "unchanged",
        }[result.policy.action]
        out.append(f"Escalation policy {result.policy.name!r}{ref}: {state}\n")
    for failure in result.failures:
        out.append(f"FAILED to {failure.action} {failure.what}: {failure.reason}\n")
    changes = any(d.changes for d in result.diffs.values()) or (
        result.policy is not None and result.policy.action != "keep"
    )
    if not done:
        out.append(
            "Dry run: nothing was changed; run again with --apply to make these changes.\n"
            if changes
            else "PagerDuty is in step with the plan: nothing to change.\n"
        )
    return "".join(out)


def _override_json(team: Team, override: Override) -> dict[str, Any]:
    person = next((p for p in team.people if p.pagerduty_id == override.user), None)
    return {
        "id": override.id,
        "start": format_instant(override.start, team.zone),
        "end": format_instant(override.end, team.zone),
        "user": override.user,
        "name": person.name if person else None,
    }


def sync_json(team: Team, result: SyncResult) -> dict[str, Any]:
    """The diff as JSON: per schedule, what to create, delete, keep, and what has started."""
    schedules = [
        {
            "id": schedule,
            **{
                part: [_override_json(team, o) for o in getattr(diff, part)]
                for part in ("create", "delete", "keep", "started", "missed")
            },
            "past": diff.past,
        }
        for schedule, diff in result.diffs.items()
    ]
    policy = None
    if result.policy is not None:
        policy = {
            "action": result.policy.action,
            "name": result.policy.name,
            "id": result.policy.id,
        }
    failures = [
        {
            "action": f.action,
            "what": f.what,
            "reason": f.reason,
            "override": _override_json(team, f.override) if f.override else None,
        }
        for f in result.failures
    ]
    return {
        "applied": result.applied,
        "schedules": schedules,
        "escalation_policy": policy,
        "failures": failures,
    }


@contextmanager
def connect(url: str, token: str, *, sender: str | None = None) -> Iterator[PagerDutyApi]:
    """A `PagerDutyApi` for ``url``, closed afterwards."""
    api = PagerDutyApi(url, token, sender=sender)
    try:
        yield api
    finally:
        api.close()
