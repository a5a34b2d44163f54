"""The `Host` header check that keeps a DNS-rebinding web page out of the local server.

A page on a domain the attacker controls can re-point that domain at 127.0.0.1 and
then read the local server as its own origin; its requests still carry the
attacker's name in `Host`.  So the server answers only a `Host` that is one of the
addresses it serves (an IP literal cannot be rebound), `localhost` when it listens
on loopback, or a name the user gave it (`timeline serve --public-name NAME`).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable

import attrs

__all__ = ["Hosts", "host_name"]

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def host_name(header: str) -> str:
    """The name or address of a `Host` header, without its port, in lower case."""
    value = header.strip().lower()
    if value.startswith("["):  # [::1]:8000
        return value[1 : value.find("]")] if "]" in value else value
    if value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.rstrip(".")


def _address(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None


def _resolved(name: str) -> set[Address]:
    """The addresses `name` stands for on this machine (none when it resolves to none)."""
    try:
        found = socket.getaddrinfo(name, None, proto=socket.IPPROTO_TCP)
    except OSError:
        return set()
    return {a for info in found if (a := _address(str(info[4][0]))) is not None}


@attrs.frozen
class Hosts:
    """The `Host` values a server answers: its addresses, and the names that stand for them."""

    addresses: frozenset[Address] = frozenset()
    names: frozenset[str] = frozenset()
    any_address: bool = False  # listening on every interface: any IP literal reaches it

    @classmethod
    def serving(cls, host: str, public_names: Iterable[str] = ()) -> Hosts:
        """The hosts of a server listening on `host`, also answering `public_names`."""
        names = {host_name(n) for n in public_names if n.strip()}
        address = _address(host)
        if address is None:  # a name to listen on: it, and what it stands for
            names.add(host_name(host))
            addresses = _resolved(host)
        else:
            addresses = {address}
        if address is not None and address.is_unspecified:
            return cls(frozenset(), frozenset(names | {"localhost"}), any_address=True)
        if any(a.is_loopback for a in addresses):
            names.add("localhost")
        return cls(frozenset(addresses), frozenset(names))

    def admits(self, header: str | None) -> bool:
        """Whether a request with this `Host` header (None: none sent) may be answered."""
        if header is None:
            return True  # HTTP/1.0 without Host: no browser sends that, so no rebinding
        name = host_name(header)
        address = _address(name)
        if address is not None:
            return self.any_address or address in self.addresses
        return name in self.names
