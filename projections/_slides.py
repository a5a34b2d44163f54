"""What a TimelineJS slide says, as a newsroom would publish it.

- The headline is whole: the summary's first sentence, or, when that is long and
  has a clause that stands alone (before a colon, semicolon or dash), that clause;
  the text goes on from where the headline stops, so nothing is said twice.
- Quotes from the development's stance claims are on the slide, credited to whoever
  said them; so is every correction known, with its day and reason.
- The source is a credit line in a reader's words (`Source: Sputnik — Kremlin
  spokesman Dmitry Peskov`), with the publisher linked when it has a URL.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence

from timeline.engine import Development, Reliability, When

__all__ = ["LONG_HEADLINE", "Correction", "credit", "slide_text", "split_headline"]

# A first sentence longer than this is cut at a clause, when it has one that stands alone.
LONG_HEADLINE = 100
Correction = tuple[When, str]  # the day a correction became known, and its reason
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(“])")
_CLAUSE = re.compile(r"[:;]\s|\s[–—]\s|\s-\s")


def split_headline(summary: str, limit: int = LONG_HEADLINE) -> tuple[str, str]:
    """The headline, whole, and the rest of the summary after it (empty when none)."""
    text = " ".join(summary.split())
    parts = _SENTENCE.split(text, maxsplit=1)
    first, rest = parts[0], parts[1] if len(parts) > 1 else ""
    if not _has_words(first):  # a lone mark ("." before a capital) is no headline
        first, rest = text, ""
    if len(first) > limit:
        clauses = [
            m
            for m in _CLAUSE.finditer(first)
            if limit // 3 <= m.start() <= limit and _has_words(first[: m.start()])
        ]
        if clauses:
            cut = clauses[-1]
            after = first[cut.end() :].strip()
            first = first[: cut.start()].rstrip(" ,")
            rest = " ".join(part for part in (after[:1].upper() + after[1:], rest) if part)
    return first.rstrip("."), rest


def _has_words(text: str) -> bool:
    return any(character.isalnum() for character in text)


def _names(ids: Iterable[str], name: Callable[[str], str]) -> str:
    names = [html.escape(name(ident), quote=False) for ident in dict.fromkeys(ids)]
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def credit(development: Development) -> str:
    """The source as a credit line in a reader's words (HTML)."""
    source = development.source
    publisher = html.escape(source.publisher, quote=False)
    if source.url:
        url = html.escape(source.url, quote=True)
        publisher = f'<a href="{url}" target="_blank" rel="noopener">{publisher}</a>'
    who = source.attribution
    if who is None and source.reliability is Reliability.ANONYMOUS:
        who = "unnamed sources"
    return f"Source: {publisher}" + (f" — {html.escape(who, quote=False)}" if who else "")


def slide_text(
    development: Development,
    name: Callable[[str], str],
    corrections: Sequence[Correction] = (),
    words: Callable[[When], str] = str,
) -> str:
    """The slide's HTML: the summary after its headline, quotes, who acted towards whom,
    the corrections known, and the credit."""
    _, rest = split_headline(development.summary)
    parts = [f"<p>{html.escape(rest, quote=False)}</p>"] if rest else []
    for claim in development.claims:
        if claim.quote:
            quote = html.escape(claim.quote, quote=False)
            speaker = html.escape(name(claim.actor), quote=False)
            parts.append(f"<blockquote>“{quote}” <cite>— {speaker}</cite></blockquote>")
    kind = str(development.kind).capitalize()
    who = f"{kind} by {_names(development.actors, name)}"
    if development.targets:
        who += f", towards {_names(development.targets, name)}"
    parts.append(f"<p><em>{who}.</em></p>")
    for reported, reason in corrections:
        said = html.escape(reason.rstrip("."), quote=False)
        line = f"Corrected {words(reported)}: {said}."
        parts.append(f'<p class="tl-correction"><small>{line}</small></p>')
    parts.append(f'<p class="tl-credit"><small>{credit(development)}.</small></p>')
    return "".join(parts)
