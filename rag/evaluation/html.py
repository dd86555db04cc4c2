"""A self-contained HTML report with inline SVG charts (no plotting dependency)."""
from __future__ import annotations

import html
import json

import numpy as np


def _bar_chart(items: list[tuple[str, float]], title: str, vmax: float = 1.0, width: int = 520) -> str:
    h = 26 * len(items) + 30
    rows = [f'<text x="4" y="16" font-weight="bold">{html.escape(title)}</text>']
    for i, (label, v) in enumerate(items):
        y = 26 + i * 26
        w = 0 if v is None else max(0.0, min(1.0, v / vmax)) * (width - 200)
        rows.append(f'<text x="4" y="{y + 14}" font-size="12">{html.escape(str(label))}</text>'
                    f'<rect x="150" y="{y}" width="{w:.1f}" height="18" fill="#60a5fa"/>'
                    f'<text x="{155 + w:.1f}" y="{y + 14}" font-size="12">{"n/a" if v is None else f"{v:.3f}"}</text>')
    return f'<svg width="{width}" height="{h}" xmlns="http://www.w3.org/2000/svg">{"".join(rows)}</svg>'


def _recall_curve(rows: list[dict], width: int = 520, height: int = 220) -> str:
    ranks = [r.get("chunk_rank") for r in rows if r.get("answerable")]
    if not ranks:
        return ""
    pts = []
    for k in range(1, 11):
        v = sum(1 for x in ranks if x is not None and x <= k) / len(ranks)
        pts.append((40 + (k - 1) * (width - 60) / 9, height - 30 - v * (height - 50), k, v))
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in pts)
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#2563eb"/>'
                   f'<text x="{x - 8:.1f}" y="{height - 12}" font-size="11">{k}</text>'
                   f'<text x="{x - 12:.1f}" y="{y - 6:.1f}" font-size="10">{v:.2f}</text>' for x, y, k, v in pts)
    return (f'<svg width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
            f'<text x="4" y="14" font-weight="bold">chunk recall@k</text>'
            f'<polyline points="{line}" fill="none" stroke="#2563eb" stroke-width="2"/>{dots}</svg>')


def _histogram(values: list[float], title: str, width: int = 520, height: int = 200) -> str:
    if not values:
        return ""
    counts, edges = np.histogram(values, bins=min(20, max(5, len(values) // 5)))
    top = max(counts.max(), 1)
    bw = (width - 60) / len(counts)
    bars = "".join(f'<rect x="{40 + i * bw:.1f}" y="{height - 30 - c / top * (height - 60):.1f}" width="{bw - 2:.1f}" '
                   f'height="{c / top * (height - 60):.1f}" fill="#34d399"/>' for i, c in enumerate(counts))
    return (f'<svg width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
            f'<text x="4" y="14" font-weight="bold">{html.escape(title)}</text>{bars}'
            f'<text x="40" y="{height - 10}" font-size="11">{edges[0]:.0f} ms</text>'
            f'<text x="{width - 80}" y="{height - 10}" font-size="11">{edges[-1]:.0f} ms</text></svg>')


def _sweep_chart(sweep: list[dict], width: int = 520, height: int = 260) -> str:
    """The refusal trade-off: refusal recall (gold removed) against false refusals, one
    point per decision threshold."""
    if not sweep:
        return ""
    def xy(p):
        return 50 + p["false_refusal"] * (width - 80), height - 40 - p["refusal_recall"] * (height - 70)
    pts = [xy(p) for p in sweep]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#dc2626"><title>t={p["threshold"]}: recall '
                   f'{p["refusal_recall"]}, false {p["false_refusal"]}</title></circle>'
                   f'<text x="{x + 4:.1f}" y="{y - 4:.1f}" font-size="9">{p["threshold"]}</text>'
                   for (x, y), p in zip(pts, sweep))
    axes = (f'<line x1="50" y1="{height - 40}" x2="{width - 30}" y2="{height - 40}" stroke="#999"/>'
            f'<line x1="50" y1="30" x2="50" y2="{height - 40}" stroke="#999"/>'
            f'<text x="{width / 2 - 60:.0f}" y="{height - 10}" font-size="11">false refusals (normal side)</text>'
            f'<text x="4" y="24" font-size="11">refusal recall (gold removed)</text>'
            f'<text x="44" y="{height - 26}" font-size="10">0</text><text x="{width - 36}" y="{height - 26}" font-size="10">1</text>')
    return (f'<svg width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
            f'<text x="200" y="14" font-weight="bold">threshold sweep</text>{axes}'
            f'<polyline points="{line}" fill="none" stroke="#dc2626" stroke-width="1.5"/>{dots}</svg>')


def render_report(report: dict, rows: list[dict]) -> str:
    charts = [_recall_curve(rows), _sweep_chart(report.get("sweep") or [])]
    lat = [r["timings"]["total_ms"] for r in rows if r.get("timings")] or [r["retrieve_ms"] for r in rows]
    charts.append(_histogram(lat, "answer latency" if rows and rows[0].get("timings") else "retrieval latency"))
    if report.get("by_category"):
        charts.append(_bar_chart([(c, v["accuracy"]) for c, v in report["by_category"].items()], "accuracy by category"))
    failures = [r for r in rows if r.get("scores") and not r["scores"]["correct"]][:100]
    fail_rows = "".join(
        f"<tr><td>{html.escape(r['id'])}</td><td>{html.escape(r['question'])}</td>"
        f"<td>{html.escape(' | '.join(r['gold']) or '(unanswerable)')}</td><td>{html.escape(r.get('answer', ''))}</td></tr>"
        for r in failures)
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>rag eval report</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto}} td,th{{border-bottom:1px solid #ddd;padding:4px;
vertical-align:top}} pre{{background:#f6f6f6;padding:1em}}</style></head><body>
<h1>Evaluation report</h1><pre>{html.escape(json.dumps(report, ensure_ascii=False, indent=2))}</pre>
{''.join(charts)}
<h2>Skipped rows ({(report.get("skipped") or {}).get("n", 0)})</h2><ul>{"".join(
    f"<li>{html.escape(str(r.get('id') or r.get('line')))}: {html.escape(r['error'])}</li>"
    for r in (report.get("skipped") or {}).get("rows", []))}</ul>
<h2>Incorrect answers (first 100)</h2><table><tr><th>id</th><th>question</th><th>gold</th><th>answer</th></tr>{fail_rows}</table>
</body></html>"""
