"""The table `coldopen.py` prints: each metric at each size, its target and its verdict."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["Row", "rows", "table"]

Result = dict[str, Any]

Row = tuple[str, str, Callable[[Result], str], Callable[[Result, Result | None], bool] | None]


def rows() -> list[Row]:
    def fmt(key: str, spec: str = ",.1f") -> Callable[[Result], str]:
        return lambda r: format(r[key], spec)

    def rss_ok(r: Result, small: Result | None) -> bool:
        return bool(r["rss_mb"] <= 150 and (small is None or r["rss_mb"] <= 1.5 * small["rss_mb"]))

    return [
        ("store file (MB)", "", fmt("size_mb", ",.0f"), None),
        ("import timeline (ms)", "", fmt("import_ms"), None),
        ("Timeline.open (ms)", "", fmt("open_ms"), None),
        ("first as_of().position (ms)", "", fmt("first_ms"), None),
        (
            "open + first lookup (ms)",
            "<= 50",
            fmt("open_first_ms"),
            lambda r, _: r["open_first_ms"] <= 50,
        ),
        ("lookup p50 (us)", "<= 30", fmt("api50"), lambda r, _: r["api50"] <= 30),
        ("lookup p99 (us)", "", fmt("api99"), None),
        ("raw SQL probe (fetchall) p50 (us)", "", fmt("raw50"), None),
        ("raw SQL probe (fetchall) p99 (us)", "", fmt("raw99"), None),
        ("lookup p50 / raw p50", "", lambda r: f"{r['ratio50']:.1f}x", None),
        ("raw probe, winning run only, p50 (us)", "", fmt("run50"), None),
        ("raw probe, winning run only, p99 (us)", "", fmt("run99"), None),
        ("lookup p50 / run-only p50", "", lambda r: f"{r['run_ratio50']:.1f}x", None),
        ("lookups agree with raw probes", "", lambda r: "yes" if r["agree"] else "NO", None),
        (
            "positions() median of 5 (ms)",
            "<= 20",
            fmt("positions_ms"),
            lambda r, _: r["positions_ms"] <= 20,
        ),
        ("positions() first call (ms)", "", fmt("positions_first_ms"), None),
        ("raw SQL, every pair, fetchall (ms)", "", fmt("raw_all_ms"), None),
        ("raw SQL, every pair, run only (ms)", "", fmt("run_all_ms"), None),
        ("positions listed", "", fmt("positions_count", ",d"), None),
        ("reader RSS after open+first (MB)", "", fmt("rss_open_mb"), None),
        ("reader RSS after 1,000 lookups (MB)", "", fmt("rss_lookups_mb"), None),
        ("reader peak RSS (MB)", "<= 150, <= 1.5x 10k", fmt("rss_mb"), rss_ok),
        ("reader peak RSS / smallest N", "", lambda r: "", None),
        (
            "CLI positions, best of 3 (ms)",
            "<= 1000",
            fmt("cli_ms", ",.0f"),
            lambda r, _: r["cli_ms"] <= 1000,
        ),
        ("CLI peak RSS (MB)", "", fmt("cli_rss_mb"), None),
    ]


def table(results: list[Result]) -> str:
    smallest = min(results, key=lambda r: r["n"])
    largest = max(results, key=lambda r: r["n"])
    baseline = smallest if smallest is not largest else None
    head = ["metric", *(f"N={r['n']:,}" for r in results), "target (at 1M)", "verdict"]
    lines = []
    for label, target, show, check in rows():
        if label == "reader peak RSS / smallest N":
            cells = [f"{r['rss_mb'] / smallest['rss_mb']:.2f}x" for r in results]
        else:
            cells = [show(r) for r in results]
        verdict = ""
        if check is not None:
            verdict = "PASS" if check(largest, baseline) else "MISS"
            if largest["n"] != 1_000_000:
                verdict += f" (at N={largest['n']:,})"
        lines.append([label, *cells, target, verdict])
    widths = [max(len(row[i]) for row in [head, *lines]) for i in range(len(head))]

    def render(row: list[str]) -> str:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:-2], widths[1:-2], strict=True)]
        cells += [row[-2].ljust(widths[-2]), row[-1]]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([render(head), rule, *(render(row) for row in lines)])
