"""Alert records: the JSON body of SPEC §6, built from a detected change or a failing source.

An alert's id is derived from what it is about (the source and the two versions, or the failure streak),
so a re-run can never create a second alert for the same change, and every re-delivery carries the same id.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from .models import Alert, Change, Source
from .store import isoformat


def _alert_id(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def source_json(source: Source) -> dict[str, Any]:
    return {"id": source.id, "name": source.display_name, "url": source.url}


def change_payload(alert_id: str, source: Source, change: Change, summary: str, old_version: str,
                   new_version: str, detected_at: datetime) -> dict[str, Any]:
    tier = None
    if change.tier is not None:
        tier = {"old": change.tier.old, "new": change.tier.new, "direction": change.tier.direction}
    findings = None
    if change.findings is not None:
        f = change.findings
        findings = {"added": list(f.added), "removed": list(f.removed), "moved": list(f.moved),
                    "sections": list(f.sections)}
    fields = {fc.name: {"old": fc.old, "new": fc.new} for fc in change.fields} or None
    return {
        "id": alert_id,
        "type": "change",
        "source": source_json(source),
        "kinds": list(change.kinds),
        "tier": tier,
        "findings": findings,
        "fields": fields,
        "summary": summary,
        "versions": {"old": old_version, "new": new_version},
        "detected_at": isoformat(detected_at),
    }


def build_change_alert(source: Source, change: Change, summary: str, old_version: str, new_version: str,
                       detected_at: datetime) -> Alert:
    alert_id = _alert_id("change", source.id, old_version, new_version)
    payload = change_payload(alert_id, source, change, summary, old_version, new_version, detected_at)
    return Alert(id=alert_id, source_id=source.id, type="change", kinds=change.kinds, payload=payload,
                 created_at=detected_at)


def build_error_alert(source: Source, message: str, consecutive_failures: int, failing_since: str,
                      detected_at: datetime, *, recovered: bool = False) -> Alert:
    """One alert when a source has failed N checks in a row, one more when it recovers."""
    alert_id = _alert_id("recovered" if recovered else "error", source.id, failing_since)
    if recovered:
        summary = f"{source.display_name}: recovered after {consecutive_failures} failed checks"
    else:
        summary = f"{source.display_name}: failing for {consecutive_failures} checks: {message}"
    payload: dict[str, Any] = {
        "id": alert_id,
        "type": "error",
        "source": source_json(source),
        "kinds": ["error"],
        "error": {"message": message, "consecutive_failures": consecutive_failures, "recovered": recovered,
                  "failing_since": failing_since},
        "summary": summary,
        "detected_at": isoformat(detected_at),
    }
    return Alert(id=alert_id, source_id=source.id, type="error", kinds=("error",), payload=payload,
                 created_at=detected_at)


def build_test_alert(detected_at: datetime) -> Alert:
    """The alert ``monitor notify-test`` sends: clearly marked, never stored in the outbox."""
    alert_id = _alert_id("test", isoformat(detected_at))
    payload: dict[str, Any] = {
        "id": alert_id,
        "type": "test",
        "source": {"id": "test", "name": "report monitor", "url": ""},
        "kinds": [],
        "tier": None, "findings": None, "fields": None,
        "summary": "Test alert from report monitor: this channel works",
        "versions": None,
        "detected_at": isoformat(detected_at),
    }
    return Alert(id=alert_id, source_id="test", type="test", kinds=(), payload=payload, created_at=detected_at)
