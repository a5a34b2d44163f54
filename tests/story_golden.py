"""The bundled article's developments as its seeds must tell them: the golden table.

Each entry names a development's occurred span, kind, reliability and stance claims,
read off the article (`../shared/source/s400-article.txt`) by hand; `tests/integration/
test_story.py` holds the seeds and the engine's answers to it.
"""

from __future__ import annotations

from timeline.engine import Kind, Reliability, Stance

__all__ = ["GOLDEN", "Claim"]

Claim = tuple[str, str, Stance]

# id -> (occurred, kind, reliability, stance claims): the whole story, as seeded.
GOLDEN: dict[str, tuple[str, Kind, Reliability, frozenset[Claim]]] = {
    "s400-supply-agreement": (
        "2017-12",
        Kind.AGREEMENT,
        Reliability.OFFICIAL,
        frozenset(
            {
                ("TUR", "s400-purchase", Stance.COMMITTED),
                ("RUS", "s400-purchase", Stance.COMMITTED),
            }
        ),
    ),
    "us-s400-nato-sanctions-threat": (
        "2017-12/2018-12-20",
        Kind.THREAT,
        Reliability.OFFICIAL,
        frozenset(
            {
                ("USA", "s400-purchase", Stance.OPPOSES),
                ("USA", "sanctions-on-turkey", Stance.SUPPORTS),
            }
        ),
    ),
    "patriot-sale-approved": (
        "2017-12/2018-12-20",
        Kind.APPROVAL,
        Reliability.OFFICIAL,
        frozenset({("USA.STATE", "patriot-sale", Stance.SUPPORTS)}),
    ),
    "us-congress-patriot-opposition": (
        "../2018-12-20",
        Kind.REJECTION,
        Reliability.ANONYMOUS,
        frozenset({("USA.CONGRESS", "patriot-sale", Stance.OPPOSES)}),
    ),
    "us-administration-sanctions-assurance": (
        "2017-12/2018-12-20",
        Kind.THREAT,
        Reliability.ANONYMOUS,
        frozenset(
            {
                ("USA", "sanctions-on-turkey", Stance.SUPPORTS),
                ("USA", "s400-purchase", Stance.OPPOSES),
            }
        ),
    ),
    "us-congress-patriot-opposition-softens": (
        "2017-12/2018-12-20",
        Kind.STATEMENT,
        Reliability.ANONYMOUS,
        frozenset({("USA.CONGRESS", "patriot-sale", Stance.UNDECIDED)}),
    ),
    "turkey-proposes-us-s400-study": (
        "2017-12/2018-12-20",
        Kind.PROPOSAL,
        Reliability.ANONYMOUS,
        frozenset({("TUR", "s400-inspection-by-us", Stance.SUPPORTS)}),
    ),
    "kremlin-s400-non-disclosure": (
        "2017-12/2018-12-20",
        Kind.STATEMENT,
        Reliability.OFFICIAL,
        frozenset(
            {
                ("RUS.KREMLIN", "s400-inspection-by-us", Stance.OPPOSES),
                ("RUS.KREMLIN", "s400-purchase", Stance.SUPPORTS),
            }
        ),
    ),
    "cavusoglu-keeps-s400-deal": (
        "2018-11",
        Kind.STATEMENT,
        Reliability.OFFICIAL,
        frozenset(
            {
                ("TUR", "s400-purchase", Stance.COMMITTED),
                ("TUR", "patriot-sale", Stance.SUPPORTS),
            }
        ),
    ),
    "turkey-f35-partnership": (
        "../2018-12-20",
        Kind.COOPERATION,
        Reliability.OFFICIAL,
        frozenset({("TUR", "f35-participation", Stance.COMMITTED)}),
    ),
    "turkey-warns-on-f35-freeze": (
        "2017-12/2018-12-20",
        Kind.THREAT,
        Reliability.OFFICIAL,
        frozenset({("TUR", "f35-participation", Stance.COMMITTED)}),
    ),
    "kremlin-s400-patriot-not-connected": (
        "2017-12/2018-12-20",
        Kind.STATEMENT,
        Reliability.OFFICIAL,
        frozenset({("RUS.KREMLIN", "s400-purchase", Stance.SUPPORTS)}),
    ),
    "us-senator-scrap-s400": (
        "2017-12/2018-12-20",
        Kind.DEMAND,
        Reliability.NAMED,
        frozenset({("USA.CONGRESS", "s400-purchase", Stance.OPPOSES)}),
    ),
}
