"""Benchmark: the CPU of one web explanation, its whole answer against one page of it.

    python benchmarks/explain_page.py --store STORE.db [--count 40] [--limit 40]

Opens the SQLite store (a synthetic one of `benchmarks/coldopen.py`'s builder) and,
for `count` random (pair, day) of the synthetic story, reads the explanation, then
encodes its answer as `/api/explain` does (payload, model, JSON): once whole (the
anchor: what the API answered before it paged) and once as its first page of
`limit` claims.  Printed: process CPU per explanation for the read, the whole
answer's encoding and the page's, the answers' sizes, and the page's answer
(read + encoding) as a ratio of the whole's.  Nothing here is a test.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.coldopen import PAIRS  # noqa: E402
from benchmarks.synthetic import keys  # noqa: E402
from timeline import Timeline  # noqa: E402
from timeline.web import models, payloads  # noqa: E402

DAYS = [f"{y}-{m:02d}-15" for y in range(2001, 2021, 2) for m in (3, 9)]


def encoded(answer: dict[str, object]) -> bytes:
    """The answer's JSON as the API sends it."""
    return models.ExplanationOut.model_validate(answer).model_dump_json(by_alias=True).encode()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--limit", type=int, default=40)
    args = parser.parse_args(argv)
    rng, pairs = random.Random(3), keys(PAIRS)
    cpu = {"read": 0.0, "whole": 0.0, "page": 0.0, "alone": 0.0}
    size = {"whole": 0, "page": 0}
    claims = 0
    with Timeline.open(f"sqlite:///{args.store}") as tl:
        tl.explain(*pairs[0], DAYS[0])  # opens the view; not counted
        for _ in range(args.count):
            (actor, topic), day = rng.choice(pairs), rng.choice(DAYS)
            start = time.process_time()
            found = tl.explain(actor, topic, day)
            read = time.process_time()
            whole = encoded(payloads.explanation(found, str))
            done = time.process_time()
            page = encoded(payloads.explanation(found, str, limit=args.limit))
            paged = time.process_time()
            alone = tl.explain_page(actor, topic, day, limit=args.limit)
            own = encoded(payloads.explanation_page(alone, str))
            cpu["alone"] += time.process_time() - paged
            if own != page:
                raise SystemExit(f"explain_page({actor}, {topic}, {day}) is not the page")
            cpu["read"] += read - start
            cpu["whole"] += done - read
            cpu["page"] += paged - done
            size["whole"] += len(whole)
            size["page"] += len(page)
            claims += len(found.claims)
    n = args.count
    print(f"{n} explanations, {claims / n:.0f} claims each on average")
    for name, seconds in cpu.items():
        print(f"CPU {name:>5}: {seconds / n * 1000:7.1f} ms per explanation")
    whole_kb, page_kb = size["whole"] / n / 1000, size["page"] / n / 1000
    print(f"answer bytes: whole {whole_kb:.0f} KB, page {page_kb:.0f} KB")
    ratio = (cpu["read"] + cpu["page"]) / (cpu["read"] + cpu["whole"])
    print(f"page answer / whole answer, CPU: {ratio:.2f}")
    ratio = cpu["alone"] / (cpu["read"] + cpu["page"])
    print(f"page read on its own (explain_page) / whole read and page, CPU: {ratio:.2f}")


if __name__ == "__main__":
    main()
