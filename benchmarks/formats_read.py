"""Benchmark: reading event data through `timeline.formats.open_records`, small and large.

    python benchmarks/formats_read.py --n 20000

Writes GDELT 2.0 rows (n, then 4n) and the same events as PLOVER JSON Lines to a
temporary folder, reads each through `open_records` in one pass, and prints rows per
second and the peak memory the read allocated (tracemalloc) for both sizes side by
side, with the ratio of the peaks: memory flat in the file's size shows as a ratio
near 1 while the file grows 4 times.  Nothing here is a test.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from timeline.engine._cameo import CROSSWALK
from timeline.engine._registry import Registry
from timeline.formats import open_records
from timeline.formats.gdelt import COLUMNS

COUNTRIES = ("USA", "TUR", "RUS", "SYR", "ISR", "PSE", "IRN", "DEU", "FRA", "CHN")
NAMES = tuple(f"PERSON {i}" for i in range(300))


def gdelt_rows(n: int, seed: int = 7) -> str:
    """n GDELT rows over 300 named actors in ten countries and every CAMEO code."""
    rng, codes, lines = random.Random(seed), sorted(CROSSWALK), []
    for i in range(n):
        cells = dict.fromkeys(COLUMNS, "")
        a, b = rng.choice(COUNTRIES), rng.choice(COUNTRIES)
        cells.update(
            GLOBALEVENTID=str(10**9 + i),
            SQLDATE=f"2019{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}",
            Actor1Code=a + "GOV",
            Actor1Name=rng.choice(NAMES),
            Actor1CountryCode=a,
            Actor2Code=b,
            Actor2Name=rng.choice(NAMES),
            Actor2CountryCode=b,
            EventCode=rng.choice(codes),
            GoldsteinScale=str(rng.randint(-100, 100) / 10),
            DATEADDED="20200101101500",
            SOURCEURL=f"https://example.org/{i}",
        )
        lines.append("\t".join(cells.values()))
    return "\n".join(lines) + "\n"


def plover_lines(n: int, seed: int = 7) -> str:
    """n PLOVER records, one a line, over the same actors and codes."""
    rng, codes = random.Random(seed), sorted(CROSSWALK)
    return "".join(
        json.dumps(
            {
                "id": f"rec-{i}",
                "date": "2019-05-01",
                "actor": [{"code": rng.choice(COUNTRIES), "actor_text": rng.choice(NAMES)}],
                "event": [rng.choice(codes)],
                "coded_date": "2020-01-01",
            }
        )
        + "\n"
        for i in range(n)
    )


def measure(path: Path) -> tuple[float, int, int]:
    """Rows per second, peak bytes allocated, and records read, in one pass."""
    tracemalloc.start()
    started = time.perf_counter()
    count = sum(1 for _ in open_records(path, registry=Registry()))
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return count / elapsed, peak, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000, help="rows of the small file")
    n = parser.parse_args().n
    with tempfile.TemporaryDirectory() as folder:
        for name, write in (("gdelt", gdelt_rows), ("plover", plover_lines)):
            found = []
            for size in (n, 4 * n):
                path = Path(folder) / f"{name}-{size}"
                path.write_text(write(size), encoding="utf-8")
                found.append((size, path.stat().st_size, *measure(path)))
            for size, size_bytes, rate, peak, _ in found:
                print(
                    f"{name:7} {size:>8} rows ({size_bytes / 1e6:6.1f} MB): "
                    f"{rate:8.0f} rows/s, peak {peak / 1e6:6.1f} MB"
                )
            ratio = found[1][3] / found[0][3]
            print(f"{name:7} peak ratio {ratio:4.2f} for 4x the file (target: near 1)")


if __name__ == "__main__":
    main()
