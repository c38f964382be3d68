"""Extract the ASEAN member states from Natural Earth (npm world-atlas 2.0.2, 50m) into
src/jaring/overview/static/overview/asean.geojson.

Run by scripts/vendor-assets.sh after `npm ci`; the output is committed, so the app
needs neither npm nor this script at run time. Pure Python, so no GIS library is needed.
Natural Earth is in the public domain (see docs/reference-data.md).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "node_modules" / "world-atlas" / "countries-50m.json"
TARGET = ROOT / "src" / "jaring" / "overview" / "static" / "overview" / "asean.geojson"
COUNTRIES = ROOT / "src" / "jaring" / "reference" / "data" / "countries.json"
TOLERANCE = 0.02  # degrees (about 2 km): invisible at the sizes the map is drawn
DECIMALS = 3


def _arcs(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    out = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        out.append(points)
    return out


def _ring(indexes: list[int], arcs: list) -> list[tuple[float, float]]:
    ring: list[tuple[float, float]] = []
    for index in indexes:
        points = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        ring.extend(points[1:] if ring else points)
    return ring


def _simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas–Peucker, iteratively (rings can have thousands of points)."""
    if len(points) < 5:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        best, index = 0.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if norm == 0:
                distance = ((px - x1) ** 2 + (py - y1) ** 2) ** 0.5
            else:
                distance = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm
            if distance > best:
                best, index = distance, i
        if best > tolerance and index > 0:
            keep[index] = True
            stack.extend([(first, index), (index, last)])
    return [p for p, k in zip(points, keep, strict=True) if k]


def _round(ring: list[tuple[float, float]]) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y in ring:
        point = [round(x, DECIMALS), round(y, DECIMALS)]
        if not out or out[-1] != point:
            out.append(point)
    return out


def _area(ring: list[list[float]]) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False)) / 2


def _centroid(polygons: list[list[list[list[float]]]]) -> tuple[float, float]:
    """Area-weighted centroid of the largest outer ring: a label point on the main island."""
    ring = max((p[0] for p in polygons), key=lambda r: abs(_area(r)))
    a = _area(ring) or 1e-9
    cx = sum((x1 + x2) * (x1 * y2 - x2 * y1) for (x1, y1), (x2, y2) in zip(ring, ring[1:],
                                                                        strict=False))
    cy = sum((y1 + y2) * (x1 * y2 - x2 * y1) for (x1, y1), (x2, y2) in zip(ring, ring[1:],
                                                                        strict=False))
    return round(cx / (6 * a), 3), round(cy / (6 * a), 3)


def main() -> int:
    topology = json.loads(SOURCE.read_text(encoding="utf-8"))
    arcs = _arcs(topology)
    by_numeric = {c["numeric"]: c for c in json.loads(COUNTRIES.read_text(encoding="utf-8"))}
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        country = by_numeric.get(geometry.get("id"))
        if country is None:
            continue
        raw = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        polygons = []
        for polygon in raw:
            rings = [_round(_simplify(_ring(r, arcs), TOLERANCE)) for r in polygon]
            rings = [r for r in rings if len(r) >= 4]
            if rings:
                polygons.append(rings)
        # Singapore and Brunei are a few kilometres across: simplification must not erase them.
        if not polygons:
            raise SystemExit(f"{country['code']}: nothing left after simplification")
        lon, lat = _centroid(polygons)
        features.append({
            "type": "Feature",
            "id": country["code"],
            "properties": {"code": country["code"], "name": country["name"],
                           "lon": lon, "lat": lat},
            "geometry": {"type": "MultiPolygon", "coordinates": polygons},
        })
    features.sort(key=lambda f: f["id"])
    document = {
        "type": "FeatureCollection",
        "source": "Natural Earth 1:50m admin-0 countries (public domain), via world-atlas 2.0.2",
        "features": features,
    }
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(json.dumps(document, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(features)} countries, {TARGET.stat().st_size} bytes -> {TARGET}")
    return 0 if len(features) == 11 else 1


if __name__ == "__main__":
    sys.exit(main())
