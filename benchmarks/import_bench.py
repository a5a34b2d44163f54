"""Benchmark: `timeline import` of a large file beside plain eventsourcing's save, in one run.

    python benchmarks/import_bench.py --sizes 100000,1000000 [--datasets] [--load 20000] \
        [--postgres postgresql://postgres@127.0.0.1:5432/import_bench] [--stores sqlite] \
        [--writer] [--apart] [--formats gdelt,jsonl]

For each size it writes a file of that many developments in the project's JSON
Lines (and, with `--datasets`, in each dataset format with a sample under
`tests/data`, its rows repeated under new ids; PLOVER's as JSON Lines), then in a
fresh child process per
run: imports it with `timeline.formats._exchange.import_file` into a new SQLite file (and
a new PostgreSQL schema), and saves the same developments with plain eventsourcing
(`app.save(*aggregates)` in batches of 1,000: the anchor).  It prints events/s,
the import's share of the anchor's rate, and each child's peak RSS; `--writer` also
imports each file with a writer process (`separate=True`, whose peak RSS is shown
too); `--apart` imports each file inline (`apart=False`), then read in a reader
process (`apart=True`; its peak RSS is shown too); without it, `import_file`
chooses.  Beside them, the rate and the ratio by this process's CPU time (a busy
machine's waits are not in it, nor, on PostgreSQL, the server's work), and the
events per CPU-second of the reader and writer processes together.  `--formats`
runs only the formats named.  With
`--load N` it also writes N developments as a seed file and compares what
`timeline load` does with a new store (read the seeds once, `record_many`) with
reading them and saving plainly.  Nothing here is a test; the targets are printed
beside the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BATCH = 1000
DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
# Each dataset sample: its file, and the column holding the event id (None: no header).
SAMPLES = {
    "acled": ("acled-events.csv", "event_id_cnty"),
    "gdelt": ("gdelt-events-header.tsv", "GLOBALEVENTID"),
    "icews": ("icews-events.tsv", "Event ID"),
    "polecat": ("polecat-events.tsv", "Event ID"),
}


def _developments(n: int) -> Iterator[Any]:
    from benchmarks.synthetic import story

    data = story(n)
    yield from data.actors
    yield from data.topics
    yield from data.developments


def write_jsonl(n: int, path: Path) -> None:
    """The project's JSON Lines log of a synthetic story of `n` developments."""
    from timeline.engine.values import Actor, Topic
    from timeline.projections.export import actor_record, development_record, topic_record

    with path.open("w", encoding="utf-8") as out:
        for value in _developments(n):
            if isinstance(value, Actor):
                record = {"type": "actor", **actor_record(value)}
            elif isinstance(value, Topic):
                record = {"type": "topic", **topic_record(value)}
            else:
                record = {"type": "development", **development_record(value)}
            out.write(json.dumps(record) + "\n")


def _new_id(original: str, i: int) -> str:
    """A distinct event id shaped like the sample's: numbers stay numbers."""
    return str(10**12 + i) if original.isdigit() else f"{original}x{i}"


def _readable(header: list[str], row: list[str], dialect: str) -> bool:
    """Whether the format's reader takes a sample row (the samples hold bad ones on purpose)."""
    from timeline.engine._registry import Registry
    from timeline.engine.when import When
    from timeline.formats import Item, open_records

    with tempfile.NamedTemporaryFile("w", suffix=".data", delete=False, newline="") as out:
        csv.writer(out, dialect=dialect, lineterminator="\n").writerows([header, row])
    try:
        records = open_records(out.name, registry=Registry(), reported=When("2024-01-01"))
        return all(isinstance(record, Item) for record in records)
    finally:
        os.remove(out.name)


def write_dataset(name: str, n: int, path: Path) -> None:
    """A file of `n` rows in a dataset's format: its sample's rows again under new ids."""
    file, column = SAMPLES[name]
    text = (DATA / file).read_text(encoding="utf-8")
    dialect = "excel-tab" if file.endswith(".tsv") else "excel"
    rows = list(csv.reader(io.StringIO(text), dialect=dialect))
    header = rows[0]
    body = [row for row in rows[1:] if row and _readable(header, row, dialect)]
    at = header.index(column)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, dialect=dialect, lineterminator="\n")
        writer.writerow(header)
        for i in range(n):
            row = list(body[i % len(body)])
            row[at] = _new_id(row[at], i)
            writer.writerow(row)


def write_plover(n: int, path: Path) -> None:
    """PLOVER JSON Lines of `n` records: the PLOVER sample's records again under new ids."""
    text = (DATA / "plover-gsr-excerpt.txt").read_text(encoding="utf-8")
    # The sample is pretty-printed objects separated by commas, each with a trailing comma.
    records = json.loads("[" + re.sub(r",\s*([}\]])", r"\1", text).strip().rstrip(",") + "]")
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            record = dict(records[i % len(records)])
            record["id"] = f"{record['id']}x{i}"
            out.write(json.dumps(record) + "\n")


def write_seeds(n: int, path: Path) -> None:
    """A seed file (TOML) of a synthetic story of `n` developments."""
    from benchmarks.synthetic import story

    data = story(n, corrected=0)
    out = [f'[[actor]]\nid = "{a.id}"\nname = "{a.name}"\n' for a in data.actors]
    out += [f'[[topic]]\nid = "{t.id}"\ndescription = "{t.description}"\n' for t in data.topics]
    for d in data.developments:
        claims = ", ".join(
            f'{{ actor = "{c.actor}", topic = "{c.topic}", stance = "{c.stance}" }}'
            for c in d.claims
        )
        out.append(
            f'[[development]]\nid = "{d.id}"\noccurred = "{d.occurred}"\n'
            f'reported = "{d.reported}"\nkind = "{d.kind}"\nsummary = "{d.summary}"\n'
            f'actors = ["{d.actors[0]}"]\nsource = {{ publisher = "{d.source.publisher}", '
            f'reliability = "{d.source.reliability}" }}\nclaims = [{claims}]\n'
        )
    path.write_text("\n".join(out), encoding="utf-8")


def child_load(path: str, url: str, plain: bool) -> dict[str, Any]:
    """Reads seeds and records them (as `timeline load` into a new store), or saves plainly."""
    from timeline import Timeline
    from timeline.engine._application import StoreApplication
    from timeline.engine._loader import read_seeds
    from timeline.engine._registry import Registry
    from timeline.engine.aggregates import ActorStream, DevelopmentStream, TopicStream
    from timeline.engine.config import StoreConfig

    started, cpu = time.perf_counter(), time.process_time()
    seeds = read_seeds(Path(path), Registry())
    if plain:
        app = StoreApplication(env=StoreConfig.from_url(url).env)
        streams: list[Any] = [ActorStream(actor=a) for a in seeds.actors]
        streams += [TopicStream(topic=t) for t in seeds.topics]
        app.save(*streams)
        for start in range(0, len(seeds.developments), BATCH):
            batch = seeds.developments[start : start + BATCH]
            app.save(*(DevelopmentStream(development=d) for d in batch))
        app.close()
    else:
        with Timeline.open(url) as tl:
            tl.record_many(seeds.developments, actors=seeds.actors, topics=seeds.topics)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    events = len(seeds.developments) + len(seeds.actors) + len(seeds.topics)
    return {"events": events, "seconds": seconds, "cpu": cpu, "rss": _peak_mb()}


def load_versus_save(n: int, folder: Path) -> None:
    """`timeline load`'s read and record into a new store, beside read + plain save."""
    path = folder / f"seeds-{n}.toml"
    write_seeds(n, path)
    print(f"load of {n:,} seed developments into a new SQLite store (target >= 1.00x)")
    with _fresh("SQLite", folder, None) as url:
        plain = _run_child("load", str(path), url, "plain")
    _print("read_seeds + plain eventsourcing save", plain, None, 0)
    with _fresh("SQLite", folder, None) as url:
        ours = _run_child("load", str(path), url, "")
    _print("read_seeds + Timeline.record_many", ours, plain, 0)


def _peak_mb() -> float:
    """This process's own peak RSS, in MB.

    Read from VmHWM where Linux has it: `ru_maxrss` keeps, across the exec that starts a
    child, the peak of the process it was spawned from (this benchmark's parent, which
    holds a whole synthetic story while it writes the files), so at 1M it reported the
    parent's peak for every child.
    """
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _server_cpu(url: str) -> dict[str, float]:
    """CPU seconds used so far by the PostgreSQL server's processes on this machine: the
    backends serving `url`'s database ("backend"), and the server's own WAL writer,
    checkpointer and background writer ("server", shared with every other database)."""
    if not url.startswith("postgresql://"):
        return {}
    database = url.split("?")[0].rsplit("/", 1)[-1]
    used = {"backend": 0.0, "server": 0.0}
    tick = os.sysconf("SC_CLK_TCK")
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):  # ended meanwhile
            continue
        seconds = (int(fields[11]) + int(fields[12])) / tick
        if command.startswith("postgres: ") and f" {database} " in command:
            used["backend"] += seconds
        elif command.startswith("postgres: ") and any(
            name in command for name in ("walwriter", "checkpointer", "background writer")
        ):
            used["server"] += seconds
    return used


def child_import(path: str, url: str, fmt: str | None, modes: str) -> dict[str, Any]:
    from timeline import Timeline
    from timeline.formats._exchange import import_file

    separate = "writer" in modes
    # The file read inline, or in a reader process; neither: as import_file chooses.
    apart = False if "inline" in modes else True if "apart" in modes else None
    with Timeline.open(url) as tl:
        server = _server_cpu(url)
        started, cpu = time.perf_counter(), time.process_time()
        children = _children_cpu()
        report = import_file(
            tl, path, format=fmt, reported="2024-01-01", separate=separate, apart=apart
        )
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        children = _children_cpu() - children  # the reader's and the writer's, once ended
        server = {k: v - server[k] for k, v in _server_cpu(url).items()}
    events = report.added + len(report.actors) + len(report.topics) + report.revisions
    found = {"events": events, "seconds": seconds, "cpu": cpu, "rss": _peak_mb(), **server}
    return found | {"writer": report.writer_mb, "reader": report.reader_mb, "children": children}


def child_anchor(n: int, url: str) -> dict[str, Any]:
    from timeline.engine._application import StoreApplication
    from timeline.engine.aggregates import ActorStream, DevelopmentStream, TopicStream
    from timeline.engine.config import StoreConfig
    from timeline.engine.values import Actor, Topic

    app = StoreApplication(env=StoreConfig.from_url(url).env)
    batch: list[Any] = []
    events, seconds, cpu = 0, 0.0, 0.0
    for value in _developments(n):
        if isinstance(value, Actor):
            batch.append(ActorStream(actor=value))
        elif isinstance(value, Topic):
            batch.append(TopicStream(topic=value))
        else:
            batch.append(DevelopmentStream(development=value))
        if len(batch) >= BATCH:
            started, began = time.perf_counter(), time.process_time()
            app.save(*batch)
            seconds += time.perf_counter() - started
            cpu += time.process_time() - began
            events, batch = events + len(batch), []
    if batch:
        started, began = time.perf_counter(), time.process_time()
        app.save(*batch)
        seconds += time.perf_counter() - started
        cpu += time.process_time() - began
        events += len(batch)
    app.close()
    return {"events": events, "seconds": seconds, "cpu": cpu, "rss": _peak_mb()}


def _run_child(*args: str) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


@contextlib.contextmanager
def _fresh(store: str, folder: Path, postgres: str | None) -> Iterator[str]:
    """The URL of a new, empty store of one kind, removed afterwards."""
    if store == "SQLite":
        path = folder / f"{uuid.uuid4().hex[:12]}.db"
        try:
            yield f"sqlite:///{path}"
        finally:
            for leftover in folder.glob(f"{path.name}*"):
                os.remove(leftover)
        return
    import psycopg

    assert postgres is not None
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{postgres}?schema={schema}"
    finally:
        with psycopg.connect(postgres, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _print(label: str, result: dict[str, Any], anchor: dict[str, Any] | None, target: int) -> None:
    rate = result["events"] / result["seconds"]
    line = f"  {label:<34}{result['events']:>10,} ev {rate:>10,.0f} ev/s"
    line += f"  peak RSS {result['rss']:>6,.0f} MB"
    writer, reader = result.get("writer", 0.0), result.get("reader", 0.0)
    if reader:
        line += f" (reader {reader:,.0f} MB)"
    if writer:
        line += f" (writer {writer:,.0f} MB)"
    line += f"  ({result['events'] / result['cpu']:,.0f} ev/CPU-s"
    if result.get("children"):  # the reader's and the writer's CPU, beside this process's
        line += f"; other processes {result['events'] / result['children']:,.0f} ev/CPU-s"
    if result.get("backend"):  # PostgreSQL's backend serving the import, and its helpers
        line += f"; PG backend {result['events'] / result['backend']:,.0f} ev/CPU-s"
        line += f", PG WAL/checkpoint {result['server']:.1f} CPU-s"
    if anchor is not None:
        by_cpu = (result["events"] / result["cpu"]) / (anchor["events"] / anchor["cpu"])
        line += f", {by_cpu:.2f}x by CPU"
    line += ")"
    if anchor is not None:
        ratio = rate / (anchor["events"] / anchor["seconds"])
        line += f"  {ratio:.2f}x the anchor"
        if target:
            line += f"  (target {target:,} ev/s: {'PASS' if rate >= target else 'MISS'};"
            small = max(result["rss"], writer, reader) < 300
            line += f" RSS < 300 MB: {'PASS' if small else 'MISS'})"
        else:
            line += f"  (target >= 1.00x: {'PASS' if ratio >= 1 else 'MISS'})"
    print(line, flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--postgres", default=None, help="a database URL (no schema)")
    parser.add_argument("--datasets", action="store_true", help="also each dataset format")
    parser.add_argument("--stores", default="sqlite,postgresql", help="which stores to run")
    parser.add_argument("--load", type=int, default=0, help="also load N seed developments")
    parser.add_argument("--writer", action="store_true", help="also with a writer process")
    parser.add_argument(
        "--apart", action="store_true", help="each file read inline, then in a reader process"
    )
    parser.add_argument("--formats", default="", help="only these formats (jsonl,gdelt,...)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        if kind == "load":
            found = child_load(rest[0], rest[1], rest[2] == "plain")
        elif kind == "import":
            found = child_import(rest[0], rest[1], rest[2] or None, rest[3])
        else:
            found = child_anchor(int(rest[0]), rest[1])
        print(json.dumps(found))
        return
    with tempfile.TemporaryDirectory(prefix="import-bench-") as folder:
        here = Path(folder)
        if args.load:
            load_versus_save(args.load, here)
        for n in (int(size) for size in args.sizes.split(",") if size.strip()):
            files = [("jsonl", here / f"story-{n}.jsonl")]
            write_jsonl(n, files[0][1])
            if args.datasets:
                for name in SAMPLES:
                    files.append((name, here / f"{name}-{n}.data"))
                    write_dataset(name, n, files[-1][1])
                files.append(("plover", here / f"plover-{n}.data"))
                write_plover(n, files[-1][1])
            wanted = args.stores.split(",")
            stores = [s for s in ("SQLite", "PostgreSQL") if s.lower() in wanted]
            for store in stores if args.postgres else ["SQLite"]:
                target = 50_000 if store == "SQLite" else 30_000
                print(f"{n:,} developments, {store} (target {target:,} ev/s)", flush=True)
                with _fresh(store, here, args.postgres) as url:
                    anchor = _run_child("anchor", str(n), url)
                _print("plain eventsourcing save (anchor)", anchor, None, 0)
                modes = ["inline", "apart"] if args.apart else [""]
                modes += [f"{m},writer" for m in modes] if args.writer else []
                for fmt, path in files:
                    if args.formats and fmt not in args.formats.split(","):
                        continue
                    for mode in modes:
                        with _fresh(store, here, args.postgres) as url:
                            found = _run_child("import", str(path), url, fmt, mode)
                        label = (
                            f"timeline import ({','.join(filter(None, [fmt, *mode.split(',')]))})"
                        )
                        _print(label, found, anchor, target)


if __name__ == "__main__":
    main()
