"""How development kinds map onto CAMEO codes, PLOVER event types and Goldstein weights.

A kind names the CAMEO code that fits its typical use in news of arms deals;
the PLOVER event type, mode and context follow the Open Event Data Alliance's
CAMEO→PLOVER crosswalk (`CAMEO2PLOVER-2021.txt` in the openeventdata/PLOVER
repository: the line of each code is cited below) and the PLOVER manual
(`PLOVER_MANUAL.tex`: chapter "CAMEO vs. PLOVER", table `tab:xlate`, which
reduces every CAMEO code to its two-digit cue category; and each event type's
"Requires recipient" subsection).  Goldstein weights come from GDELT's CAMEO
table (-10 most conflictual, +10 most cooperative).

`statement` (CAMEO 01, "make public statement") is plain commentary, which PLOVER
drops (manual, tab:xlate: "01 MAKE PUBLIC STATEMENT — dropped").

Where the two sources disagree the manual wins, and the comment says so: CAMEO 163
("impose embargo, boycott or sanctions") is SANCTION by the manual's cue table
(16 → SANCTION) and its SANCTION section ("Impose embargo, boycott, or sanctions"),
while the 2021 crosswalk's line 242 writes COERCE.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import attrs

from timeline.engine.values import Kind

__all__ = [
    "CODING",
    "PLOVER_TYPES",
    "QUAD",
    "RECIPIENT_REQUIRED",
    "SECTORS",
    "Coding",
    "kind_of",
    "plover_actor",
    "sector_of",
]


@attrs.frozen
class Coding:
    """One kind's place in the standard event codings.

    `plover` is None for a kind PLOVER does not code; `mode` and `context` are the
    PLOVER supplementary values the crosswalk gives for the CAMEO code (empty when it
    gives none); `source` cites the crosswalk line the PLOVER values come from.
    """

    cameo: str
    cameo_label: str
    plover: str | None
    goldstein: float
    mode: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    source: str = ""

    @property
    def needs_recipient(self) -> bool:
        """Whether PLOVER requires a recipient for this kind's event type."""
        return self.plover in RECIPIENT_REQUIRED


_TABLE = "CAMEO2PLOVER-2021.txt"

CODING: Mapping[Kind, Coding] = MappingProxyType(
    {
        # Manual tab:xlate "01 MAKE PUBLIC STATEMENT: dropped"; the crosswalk has no 01 lines.
        Kind.STATEMENT: Coding("010", "make statement", None, 0.0, source="manual tab:xlate"),
        # CAMEO2PLOVER-2021.txt:49 "057: SUPPORT,  , diplomatic # Sign formal agreement"
        # (manual: SUPPORT covers "ratify, sign, or finalize an agreement or treaty").
        Kind.AGREEMENT: Coding(
            "057", "sign formal agreement", "SUPPORT", 8.0, (), ("diplomatic",), f"{_TABLE}:49"
        ),
        # CAMEO2PLOVER-2021.txt:6 "0312: AGREE,  ,   military # Express intent to cooperate
        # militarily"
        Kind.APPROVAL: Coding(
            "0312",
            "express intent to cooperate militarily",
            "AGREE",
            5.2,
            (),
            ("military",),
            f"{_TABLE}:6",
        ),
        # CAMEO2PLOVER-2021.txt:27 "036: AGREE,  , diplomatic # Express intent to meet or
        # negotiate"
        Kind.PROPOSAL: Coding(
            "036",
            "express intent to meet or negotiate",
            "AGREE",
            4.0,
            (),
            ("diplomatic",),
            f"{_TABLE}:27",
        ),
        # CAMEO2PLOVER-2021.txt:54 "062: COOPERATE,   ,   military # Cooperate militarily"
        Kind.COOPERATION: Coding(
            "062", "cooperate militarily", "COOPERATE", 7.4, (), ("military",), f"{_TABLE}:54"
        ),
        # A delivery under an arms contract is mutual material cooperation (the buyer
        # pays), not aid, so it is CAMEO 062 like cooperation: CAMEO2PLOVER-2021.txt:54.
        Kind.DELIVERY: Coding(
            "062", "cooperate militarily", "COOPERATE", 7.4, (), ("military",), f"{_TABLE}:54"
        ),
        # CAMEO2PLOVER-2021.txt:103 "100: DEMAND,  ,  # Demand"
        Kind.DEMAND: Coding("100", "demand", "DEMAND", -5.0, source=f"{_TABLE}:103"),
        # CAMEO2PLOVER-2021.txt:147 "120: REJECT,  ,    # Reject"
        Kind.REJECTION: Coding("120", "reject", "REJECT", -4.0, source=f"{_TABLE}:147"),
        # CAMEO2PLOVER-2021.txt:180 "1312: THREATEN, restrict, diplomatic # Threaten to
        # boycott, embargo, or sanction"
        Kind.THREAT: Coding(
            "1312",
            "threaten with sanctions, boycott, embargo",
            "THREATEN",
            -5.8,
            ("restrict",),
            ("diplomatic",),
            f"{_TABLE}:180",
        ),
        # CAMEO2PLOVER-2021.txt:242 "163: COERCE, restrict, diplomatic # Impose embargo,
        # boycott, or sanctions": the type follows the manual instead (tab:xlate
        # "16 REDUCE RELATIONS: SANCTION"; SANCTION lists "Impose embargo, boycott, or
        # sanctions"), and "restrict" is no SANCTION mode, so only the context is kept.
        Kind.SANCTION: Coding(
            "163",
            "impose embargo, boycott or sanctions",
            "SANCTION",
            -8.0,
            (),
            ("diplomatic",),
            f"{_TABLE}:242 (type per manual tab:xlate)",
        ),
    }
)

# The manual's sixteen event types, each with its "Requires recipient" subsection.
PLOVER_TYPES = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "DEMAND",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)
# "Requires recipient: Yes" in the manual's sections COOPERATE, AID and SANCTION; No elsewhere.
RECIPIENT_REQUIRED = frozenset({"COOPERATE", "AID", "SANCTION"})

# The manual's "Quad categories in PLOVER" table (1 verbal cooperation, 2 material
# cooperation, 3 verbal conflict, 4 material conflict), as printed there.
QUAD: Mapping[str, int] = MappingProxyType(
    {
        **dict.fromkeys(("AGREE", "CONSULT", "SUPPORT", "CONCEDE"), 1),
        **dict.fromkeys(("COOPERATE", "AID", "RETREAT"), 2),
        **dict.fromkeys(("DEMAND", "ACCUSE", "REJECT", "SANCTION", "THREATEN"), 3),
        **dict.fromkeys(("PROTEST", "MOBILIZE", "COERCE", "ASSAULT"), 4),
    }
)

# The manual's Sector Primary Codes (table tab:roles), frequent and less frequent.
PLOVER_SECTORS = frozenset(
    {"GOV", "JUD", "LEG", "MIL", "COP", "OPP", "PTY", "REB", "PRM", "SPY", "UAF"}
    | {"CVL", "ELI", "BUS", "EDU", "MED", "LAB", "AGR", "JRN", "REF", "REL", "SOC", "CRM"}
)

# Actor roles (the parts of an id after the country: USA.STATE) that are no sector
# code themselves, by the sector the manual's definitions put them in.  A role that
# is a sector code (USA.MIL) is its own sector; an unknown role gives no sector.
SECTORS: Mapping[str, str] = MappingProxyType(
    {
        # GOV: "the executive, governing parties, coalitions partners, executive divisions"
        "STATE": "GOV",  # a foreign ministry (the US Department of State)
        "MFA": "GOV",
        "KREMLIN": "GOV",  # the Russian presidential administration
        "PRES": "GOV",
        "PRESIDENT": "GOV",
        "EXECUTIVE": "GOV",
        "WHITEHOUSE": "GOV",
        "MINISTRY": "GOV",
        # LEG: "parliaments, assemblies, lawmakers"
        "CONGRESS": "LEG",
        "SENATE": "LEG",
        "HOUSE": "LEG",
        "PARLIAMENT": "LEG",
        # MIL: "troops, soldiers, all state-military personnel/equipment"
        "DEFENSE": "MIL",
        "DEFENCE": "MIL",
        "PENTAGON": "MIL",
        "ARMY": "MIL",
        "NAVY": "MIL",
        "AIRFORCE": "MIL",
        # JUD: "judges, courts"
        "COURT": "JUD",
        # SPY: "state intelligence services"
        "INTEL": "SPY",
        "INTELLIGENCE": "SPY",
    }
)


def sector_of(actor_id: str) -> str | None:
    """The PLOVER sector of a CAMEO-style actor id, from its most specific known role."""
    for role in reversed(actor_id.split(".")[1:]):
        if role in PLOVER_SECTORS:
            return role
        if role in SECTORS:
            return SECTORS[role]
    return None


def plover_actor(actor_id: str) -> tuple[str, str | None]:
    """The PLOVER (code, sector) of an actor id: the country code and the role's sector."""
    return actor_id.split(".", 1)[0], sector_of(actor_id)


def kind_of(event: str, context: tuple[str, ...] = (), mode: tuple[str, ...] = ()) -> Kind | None:
    """The kind a PLOVER event type codes back to, or None for a type no kind uses.

    AGREE is an approval with a military context (CAMEO 0312) and a proposal
    otherwise (036); COOPERATE comes back as cooperation (a delivery is coded the
    same way); COERCE with the mode `restrict` is read as the crosswalk's CAMEO 163,
    a sanction.
    """
    if event == "AGREE":
        return Kind.APPROVAL if "military" in context else Kind.PROPOSAL
    if event == "COERCE":
        return Kind.SANCTION if "restrict" in mode else None
    for kind, coding in CODING.items():
        if coding.plover == event and kind is not Kind.DELIVERY:
            return kind
    return None
