"""How development kinds map onto CAMEO codes, PLOVER event types and Goldstein weights.

A kind names the CAMEO code that fits its typical use in news of arms deals;
the PLOVER event type, mode and context follow the Open Event Data Alliance's
CAMEO→PLOVER crosswalk (`CAMEO2PLOVER-2021.txt` in the openeventdata/PLOVER
repository: the line of each code is cited below) and the PLOVER manual
(`PLOVER_MANUAL.tex`: chapter "CAMEO vs. PLOVER", table `tab:xlate`, which
reduces every CAMEO code to its two-digit cue category; and each event type's
"Requires recipient" subsection).  Goldstein weights come from GDELT's CAMEO
table (-10 most conflictual, +10 most cooperative).  The crosswalk cited is its latest
version ("Draft 0.8, 17-September-2021"), which names CAMEO 10 `REQUEST`; the older
spelling `DEMAND` (and the older types DISAPPROVE, INVESTIGATE, FIGHT, CRIME, YIELD)
are read as `OLDER_TYPES` say.  Every CAMEO code is read through `engine._cameo`.

`statement` (CAMEO 01, "make public statement") is plain commentary, which PLOVER
drops (manual, tab:xlate: "01 MAKE PUBLIC STATEMENT — dropped").

Where the two sources disagree the manual wins, and the comment says so: CAMEO 163
("impose embargo, boycott or sanctions") is SANCTION by the manual's cue table
(16 → SANCTION) and its SANCTION section ("Impose embargo, boycott, or sanctions"),
while the 2021 crosswalk's line 242 writes COERCE.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from timeline.engine import _cameo
from timeline.engine.values import Development, Kind

__all__ = [
    "CODING",
    "OLDER_TYPES",
    "PLOVER_TYPES",
    "QUAD",
    "RECIPIENT_REQUIRED",
    "SECTORS",
    "Coding",
    "cameo_kind",
    "current_type",
    "kind_of",
    "plover_actor",
    "sector_of",
    "weight_of",
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


def _line(code: str) -> str:
    return f"{_TABLE}:{code}"


CODING: Mapping[Kind, Coding] = MappingProxyType(
    {
        # Manual tab:xlate "01 MAKE PUBLIC STATEMENT: dropped"; the crosswalk has no 01 lines.
        Kind.STATEMENT: Coding("010", "make statement", None, 0.0, source="manual tab:xlate"),
        # Manual tab:xlate "02 APPEAL: dropped"; the crosswalk has no 02 lines.
        Kind.APPEAL: Coding(
            "020", "make an appeal or request", None, 3.0, source="manual tab:xlate"
        ),
        # "057: SUPPORT, , diplomatic # Sign formal agreement"
        Kind.AGREEMENT: Coding(
            "057", "sign formal agreement", "SUPPORT", 8.0, (), ("diplomatic",), _line("057")
        ),
        # "0312: AGREE, , military # Express intent to cooperate militarily"
        Kind.APPROVAL: Coding(
            "0312",
            "express intent to cooperate militarily",
            "AGREE",
            5.2,
            (),
            ("military",),
            _line("0312"),
        ),
        # "036: AGREE, , diplomatic # Express intent to meet or negotiate"
        Kind.PROPOSAL: Coding(
            "036",
            "express intent to meet or negotiate",
            "AGREE",
            4.0,
            (),
            ("diplomatic",),
            _line("036"),
        ),
        # "040: CONSULT, , # Consult"
        Kind.CONSULTATION: Coding("040", "consult", "CONSULT", 1.0, source=_line("040")),
        # "050: SUPPORT, , diplomatic # Engage in diplomatic cooperation"
        Kind.SUPPORT: Coding(
            "050",
            "engage in diplomatic cooperation",
            "SUPPORT",
            3.5,
            (),
            ("diplomatic",),
            _line("050"),
        ),
        # "062: COOPERATE, , military # Cooperate militarily"
        Kind.COOPERATION: Coding(
            "062", "cooperate militarily", "COOPERATE", 7.4, (), ("military",), _line("062")
        ),
        # A delivery under an arms contract is mutual material cooperation (the buyer
        # pays), not aid, so it is CAMEO 062 like cooperation.
        Kind.DELIVERY: Coding(
            "062", "cooperate militarily", "COOPERATE", 7.4, (), ("military",), _line("062")
        ),
        # "070: AID, , # Provide aid"
        Kind.AID: Coding("070", "provide aid", "AID", 7.0, source=_line("070")),
        # "080: CONCEDE, , # Yield"
        Kind.CONCESSION: Coding("080", "yield", "CONCEDE", 5.0, source=_line("080")),
        # "084: RETREAT, , # Return, release"
        Kind.RETREAT: Coding("084", "return, release", "RETREAT", 7.0, source=_line("084")),
        # "100: REQUEST, , # REQUEST" (CAMEO "demand"; the 2021 draft spelled it DEMAND)
        Kind.DEMAND: Coding("100", "demand", "REQUEST", -5.0, source=_line("100")),
        # "110: ACCUSE, disapprove, # Disapprove": "disapprove" is no ACCUSE mode in the
        # manual's table, so, as for 163 below, the mode is not written.
        Kind.ACCUSATION: Coding("110", "disapprove", "ACCUSE", -2.0, source=_line("110")),
        # "120: REJECT, , # Reject"
        Kind.REJECTION: Coding("120", "reject", "REJECT", -4.0, source=_line("120")),
        # "1312: THREATEN, restrict, economic # Threaten to boycott, embargo, or sanction"
        Kind.THREAT: Coding(
            "1312",
            "threaten with sanctions, boycott, embargo",
            "THREATEN",
            -5.8,
            ("restrict",),
            ("economic",),
            _line("1312"),
        ),
        # "140: PROTEST, , # Engage in political dissent"
        Kind.PROTEST: Coding(
            "140", "engage in political dissent", "PROTEST", -6.5, source=_line("140")
        ),
        # "150: MOBILIZE, , # Demonstrate military or police power"
        Kind.MOBILIZATION: Coding(
            "150", "demonstrate military or police power", "MOBILIZE", -7.2, source=_line("150")
        ),
        # "163: COERCE, restrict, diplomatic # Impose embargo, boycott, or sanctions": the
        # type follows the manual instead (tab:xlate "16 REDUCE RELATIONS: SANCTION"; SANCTION
        # lists "Impose embargo, boycott, or sanctions"), and "restrict" is no SANCTION
        # mode, so only the context is kept.
        Kind.SANCTION: Coding(
            "163",
            "impose embargo, boycott or sanctions",
            "SANCTION",
            -8.0,
            (),
            ("diplomatic",),
            f"{_line('163')} (type per manual tab:xlate)",
        ),
        # "170: COERCE, , # Coerce"
        Kind.COERCION: Coding("170", "coerce", "COERCE", -7.0, source=_line("170")),
        # "180: ASSAULT, , # Use unconventional violence"
        Kind.ASSAULT: Coding(
            "180", "use unconventional violence", "ASSAULT", -9.0, source=_line("180")
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
    "REQUEST",
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
        **dict.fromkeys(("REQUEST", "ACCUSE", "REJECT", "SANCTION", "THREATEN"), 3),
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


# Older PLOVER spellings, as the current type with the mode or context that keeps what
# they said: the 2021 draft's DEMAND; DISAPPROVE and INVESTIGATE, which the manual's
# cue table folds into ACCUSE (CAMEO 11 and 09); FIGHT (CAMEO 19, ASSAULT with a
# military context); YIELD (CAMEO 08); and CRIME, which the manual removed in favour
# of the `crime` context ("A note on CRIME") and is read as coercion in that context.
OLDER_TYPES: Mapping[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = MappingProxyType(
    {
        "DEMAND": ("REQUEST", (), ()),
        "DISAPPROVE": ("ACCUSE", ("disapprove",), ()),
        "INVESTIGATE": ("ACCUSE", ("investigate",), ()),
        "FIGHT": ("ASSAULT", (), ("military",)),
        "YIELD": ("CONCEDE", (), ()),
        "CRIME": ("COERCE", (), ("crime",)),
    }
)

_BY_TYPE: Mapping[str, Kind] = MappingProxyType(
    {
        "CONSULT": Kind.CONSULTATION,
        "SUPPORT": Kind.SUPPORT,
        "CONCEDE": Kind.CONCESSION,
        "COOPERATE": Kind.COOPERATION,
        "AID": Kind.AID,
        "RETREAT": Kind.RETREAT,
        "REQUEST": Kind.DEMAND,
        "ACCUSE": Kind.ACCUSATION,
        "REJECT": Kind.REJECTION,
        "THREATEN": Kind.THREAT,
        "PROTEST": Kind.PROTEST,
        "SANCTION": Kind.SANCTION,
        "MOBILIZE": Kind.MOBILIZATION,
        "COERCE": Kind.COERCION,
        "ASSAULT": Kind.ASSAULT,
    }
)


def current_type(
    event: str, context: tuple[str, ...] = (), mode: tuple[str, ...] = ()
) -> tuple[str, tuple[str, ...], tuple[str, ...]] | None:
    """A PLOVER type in the current spelling, with the mode and context an older one implies."""
    event = event.strip().upper()
    if event in PLOVER_TYPES:
        return event, mode, context
    if event in OLDER_TYPES:
        now, more_mode, more_context = OLDER_TYPES[event]
        return (
            now,
            (*mode, *(m for m in more_mode if m not in mode)),
            (*context, *(c for c in more_context if c not in context)),
        )
    return None


def kind_of(event: str, context: tuple[str, ...] = (), mode: tuple[str, ...] = ()) -> Kind | None:
    """The kind a PLOVER event type (current or older spelling) codes, or None for no type.

    AGREE is an approval with a military context (CAMEO 0312) and a proposal
    otherwise (036); COERCE with the mode `restrict` is read as the crosswalk's
    CAMEO 163, a sanction; every other type has one kind (`_BY_TYPE`).
    """
    found = current_type(event, context, mode)
    if found is None:
        return None
    event, mode, context = found
    if event == "AGREE":
        return Kind.APPROVAL if "military" in context else Kind.PROPOSAL
    if event == "COERCE" and "restrict" in mode:
        return Kind.SANCTION
    return _BY_TYPE[event]


# A dataset names a few hundred codes a million times: each is read once (bounded, as
# a file of junk codes could name any number).
@functools.lru_cache(maxsize=4096)
def cameo_kind(code: str) -> tuple[Kind, tuple[str, ...], tuple[str, ...]] | None:
    """The kind, PLOVER modes and contexts of a CAMEO event code, or None if it is none.

    Roots 01 and 02, which PLOVER drops, are statements and appeals; 057 (sign
    formal agreement) is an agreement; every other code is read through the crosswalk.
    """
    root = _cameo.root_of(code)
    if root is None:
        return None
    if root in ("01", "02"):
        return (Kind.STATEMENT if root == "01" else Kind.APPEAL), (), ()
    found = _cameo.crosswalk(code)
    if found is None:
        return None
    event, mode, context = found
    modes = (mode,) if mode else ()
    if code.strip() == "057":
        return Kind.AGREEMENT, modes, context
    kind = kind_of(event, context, modes)
    return (kind, modes, context) if kind is not None else None


def weight_of(development: Development) -> float:
    """The weight of a development for relations: the data's own, else its kind's Goldstein."""
    if development.weight is not None:
        return development.weight
    return CODING[development.kind].goldstein
