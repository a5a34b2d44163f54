"""The texts an SVG shows and where, to compare a chart written by hand with matplotlib's."""

from __future__ import annotations

import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"

Texts = list[tuple[str, str | None, str | None]]


def texts(svg: bytes) -> Texts:
    """Every text the SVG shows (each line of a label on its own), with its x and y when
    set as attributes (matplotlib places some by a transform instead)."""
    found = ET.fromstring(svg).iter(f"{SVG}text")
    return sorted(((t.text or "", t.get("x"), t.get("y")) for t in found), key=str)


def places(found: Texts) -> dict[str, set[tuple[float, float]]]:
    """Each text's places, rounded to a tenth of a point."""
    placed: dict[str, set[tuple[float, float]]] = {}
    for content, x, y in found:
        if x is not None and y is not None:
            placed.setdefault(content, set()).add((round(float(x), 1), round(float(y), 1)))
    return placed
