"""How development kinds map onto CAMEO codes, PLOVER types and Goldstein weights.

Goldstein weights come from GDELT's CAMEO table (-10 most conflictual, +10 most
cooperative).  A kind names the CAMEO code that fits its typical use in news of
arms deals; `statement` is plain commentary, which PLOVER does not code.
"""

from __future__ import annotations

import attrs

from timeline.engine.values import Kind

__all__ = ["CODING", "Coding"]


@attrs.frozen
class Coding:
    """One kind's place in the standard event codings."""

    cameo: str
    cameo_label: str
    plover: str | None
    goldstein: float


CODING: dict[Kind, Coding] = {
    Kind.STATEMENT: Coding("010", "make statement", None, 0.0),
    Kind.AGREEMENT: Coding("057", "sign formal agreement", "AGREE", 8.0),
    Kind.APPROVAL: Coding("0312", "express intent to cooperate militarily", "COOPERATE", 5.2),
    Kind.PROPOSAL: Coding("036", "express intent to meet or negotiate", "CONSULT", 4.0),
    Kind.COOPERATION: Coding("062", "cooperate militarily", "COOPERATE", 7.4),
    Kind.DELIVERY: Coding("062", "cooperate militarily", "AID", 7.4),
    Kind.DEMAND: Coding("100", "demand", "REQUEST", -5.0),
    Kind.REJECTION: Coding("120", "reject", "REJECT", -4.0),
    Kind.THREAT: Coding("1312", "threaten with sanctions, boycott, embargo", "THREATEN", -5.8),
    Kind.SANCTION: Coding("163", "impose embargo, boycott or sanctions", "SANCTION", -8.0),
}
