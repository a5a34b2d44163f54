"""`timeline actors` lists event data's actors with their codes, and finds them by them."""

from __future__ import annotations

from pathlib import Path

from tests.integration.test_cli import as_json, environment, timeline
from tests.unit.test_dataset_formats import actors, developments, read
from timeline import Timeline


def test_actors_lists_and_finds_the_datas_codes_and_wikidata_ids(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'events.db'}"
    found = read("polecat-events.tsv")
    with Timeline.open(store) as tl:
        tl.record_many(list(developments(found).values()), actors=list(actors(found).values()))
        assert tl.registry.resolve("actor", "Q39723") == "TUR.RECEP_TAYYIP_ERDOGAN"
    env = environment(tmp_path)
    listed = as_json(timeline(env, "actors", "--db", store, "--country", "TUR", "--json"))
    erdogan = next(a for a in listed["actors"] if a["id"] == "TUR.RECEP_TAYYIP_ERDOGAN")
    assert (erdogan["country"], erdogan["sector"], erdogan["wikidata"]) == ("TUR", "GOV", "Q39723")
    assert all(a["id"].startswith("TUR") for a in listed["actors"])
    table = timeline(env, "actors", "--db", store, "--wide").stdout
    assert "TUR GOV Q39723" in table
