"""What a seed table may hold: its keys, their shapes and good values, and what it becomes.

`FIELDS` states every key once; `SCHEMAS` is the same by table, and `CLASSES` the
value object each table becomes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from timeline.engine import corrections, values
from timeline.engine._fields import TEXT, TEXTS
from timeline.engine.corrections import Retraction, Revision
from timeline.engine.values import Actor, Development, Kind, Reliability, Stance, Topic

__all__ = [
    "ALIASES",
    "CLASSES",
    "CORRECTIONS",
    "FIELDS",
    "RENAMED",
    "SCHEMAS",
    "TABLE",
    "TABLES",
    "TEXT",
    "TEXTS",
    "Readers",
]

Readers = dict[str, Callable[[Any], Any]]

TABLE, TABLES = "table", "tables"
# Every key a seed table may hold: table.key, type (! when required), a good value.
FIELDS = """
actor.id                text!    a CAMEO-style id such as "TUR", "USA.STATE" or "IGONAT"
actor.name              text!    a display name such as "Turkey"
actor.aliases           texts    an array of strings such as ["Ankara"]
actor.person            tables   [[actor.person]] tables, each with a name
person.name             text!    a name such as "Dmitry Peskov"
person.role             text     text such as "Kremlin spokesman"
person.aliases          texts    an array of strings such as ["Peskov"]
topic.id                text!    a slug such as "s400-purchase"
topic.description       text!    one sentence of text
topic.aliases           texts    an array of strings such as ["S-400 deal"]
development.id          text!    a slug such as "s400-agreement"
development.occurred    text!    EDTF text such as "2017-12", or a phrase such as "last month"
development.reported    text!    EDTF text such as "2018-12-19"
development.kind        text!    one of {kinds}
development.summary     text!    text in the project's own words
development.actors      texts!   an array of actor names such as ["TUR"]
development.targets     texts    an array of actor names such as ["USA"]
development.source      table!   a table such as {{ publisher = "Reuters", reliability = "named" }}
development.claims      tables   an array of tables such as [{{ actor = "TUR", stance = "..." }}]
development.reports     tables   further reports, each a source with its published day
source.publisher        text!    text such as "Reuters"
source.reliability      text!    one of {reliabilities}
source.attribution      text     text such as "two unnamed sources"
source.url              text     a URL as text
source.repeats          text     the outlet whose report it repeats, such as "Reuters"
reports.publisher       text!    text such as "Reuters"
reports.published       text!    EDTF text such as "2019-07-18": the day it appeared
reports.reliability     text!    one of {reliabilities}
reports.attribution     text     text such as "two unnamed sources"
reports.url             text     a URL as text
reports.repeats         text     the outlet whose report it repeats, such as "Reuters"
revision.development    text!    the id of a development recorded before or in this load
revision.reported       text!    EDTF text such as "2019-01-15": when the correction was public
revision.reason         text!    text such as "the exact date was reported"
revision.occurred       text     EDTF text, or a phrase resolved against this reported date
revision.kind           text     one of {kinds}
revision.summary        text     text in the project's own words
revision.source         table    a table such as {{ publisher = "Reuters", reliability = "named" }}
revision.claims         tables   the corrected claims, all of them ([] for none)
revision.actors         texts    the corrected actor names, all of them, such as ["TUR"]
revision.targets        texts    the corrected target names, all of them ([] for none)
retraction.development  text!    the id of a development recorded before or in this load
retraction.reported     text!    EDTF text such as "2019-02-01": when the withdrawal was public
retraction.reason       text!    text such as "misattributed"
ranking.development     text!    the id of a development recorded before or in this load
ranking.rank            text!    one of {ranks}
ranking.reported        text!    EDTF text such as "2019-03-01": when the judgement was public
ranking.reason          text!    text such as "the contract itself is the primary record"
ranking.by              text     the id of the development that grounds it
ranking.actor           text     the actor of the one claim it ranks (with topic)
ranking.topic           text     the topic of the one claim it ranks (with actor)
claims.actor            text!    an actor name such as "TUR"
claims.topic            text!    a topic such as "s400-purchase"
claims.stance           text!    one of {stances}
claims.quote            text     a short phrase by the speaker
""".format(
    kinds=", ".join(map(str, Kind)),
    reliabilities=", ".join(map(str, Reliability)),
    stances=", ".join(map(str, Stance)),
    ranks=", ".join(map(str, values.Rank)),
)
SCHEMAS: dict[str, dict[str, tuple[str, bool, str]]] = {}
for _row in FIELDS.strip().splitlines():
    _name, _type, _example = _row.split(maxsplit=2)
    _schema, _key = _name.split(".")
    SCHEMAS.setdefault(_schema, {})[_key] = (_type.rstrip("!"), _type.endswith("!"), _example)


# The value object each table becomes, and keys named otherwise on the object.
def _revision(development: str, **fields: Any) -> tuple[str, Revision]:
    return development, Revision(**fields)


def _retraction(development: str, **fields: Any) -> tuple[str, Retraction]:
    return development, Retraction(**fields)


def _ranking(development: str, **fields: Any) -> tuple[str, corrections.Ranking]:
    return development, corrections.Ranking(**fields)


CLASSES: dict[str, Callable[..., Any]] = {
    "actor": Actor,
    "person": values.Person,
    "topic": Topic,
    "development": Development,
    "source": values.Source,
    "reports": values.Source,
    "claims": values.StanceClaim,
    "revision": _revision,
    "retraction": _retraction,
    "ranking": _ranking,
}
# Corrections: the value a record of these kinds holds is (development id, correction).
CORRECTIONS = ("revision", "retraction", "ranking")
RENAMED = {"person": "people"}
ALIASES: Readers = {"aliases": values.alias}
