"""The statistics dashboard: the newest snapshot, or one chosen from the earlier ones."""

from __future__ import annotations

from flask import abort, render_template

from council.platform.statistics.charts import build_charts
from council.platform.statistics.services import snapshot_payload, snapshots


def dashboard(snapshot_id: int | None = None):
    everything = snapshots()
    if snapshot_id is None:
        chosen = everything[0] if everything else None
    else:
        chosen = next((s for s in everything if s.id == snapshot_id), None) or abort(404)
    payload = snapshot_payload(chosen) if chosen else None
    return render_template("statistics/dashboard.html", snapshots=everything, chosen=chosen, payload=payload,
                           charts=build_charts(payload) if payload else [])
