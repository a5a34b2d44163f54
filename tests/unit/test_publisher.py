"""A dataset URL's publisher is its host as `urlsplit` reads it, however the URL is written."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from hypothesis import given
from hypothesis import strategies as st

from timeline.formats._events import publisher_of

# Hosts as datasets write them, and what `urlsplit` treats specially: users, ports,
# brackets, capitals, spaces, tabs and newlines (which it drops), non-ASCII letters.
_HOSTS = st.text(
    st.sampled_from([*"abcxyz019.-", *"A@:[]%_ \t\n\r", "é", "ß", "\u2100"]), max_size=12
)
_URLS = st.builds(
    lambda scheme, www, host, rest: f"{scheme}{www}{host}{rest}",
    st.sampled_from(["http://", "https://", "HTTP://", "ftp://", "http:/", "", " http://"]),
    st.sampled_from(["", "www.", "WWW."]),
    st.sampled_from(["bbc.co.uk", "news-1.example.org", ""]) | _HOSTS,
    st.sampled_from(["", "/", "/a/b.html", "?q=1", "#top", "\n", "\t/x", ":8080/", "\n/x"]),
)


def _by_urlsplit(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or url


def _outcome(read: Callable[[str], str], url: str) -> str:
    try:
        return read(url)
    except ValueError as error:  # a netloc urlsplit refuses (as before the shortcut)
        return f"refused: {error}"


@given(_URLS)
def test_the_publisher_is_the_host_urlsplit_reads(url: str) -> None:
    assert _outcome(publisher_of, url) == _outcome(_by_urlsplit, url)
