"""Where an attempt comes from, as the per-source throttle counts it (SPEC §16).

An IPv4 address counts alone; an IPv6 address counts with its whole /64 (one subscriber line or
one network gets a /64: counting single addresses would let one attacker rotate through 2^64 of
them). An address inside one of the partners' ranges (France Services desks, an agency's own
reception terminals: configuration) gets the partners' higher limit.

>>> SourceClassifier.from_ranges(("192.0.2.0/24",)).classify("2001:db8:1:2:aaaa::7")
Source(network='2001:db8:1:2::/64', partner=False)
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_ranges(raw: str) -> tuple[str, ...]:
    """``192.0.2.0/24, 2001:db8:40::/48`` -> the ranges, each checked (strict: host bits 0)."""
    ranges = tuple(part.strip() for part in raw.split(",") if part.strip())
    for text in ranges:
        ipaddress.ip_network(text)
    return ranges


@dataclass(frozen=True)
class Source:
    network: str  # what the throttle counts, pseudonymised before it leaves identity
    partner: bool


@dataclass(frozen=True)
class SourceClassifier:
    partner_ranges: tuple[Network, ...]

    @classmethod
    def from_ranges(cls, ranges: tuple[str, ...]) -> SourceClassifier:
        return cls(tuple(ipaddress.ip_network(text) for text in ranges))

    def classify(self, ip: str) -> Source:
        """The counted network of ``ip`` (an IPv4 address as itself, as before /64 counting) and
        whether it is a partner's. Text that is no address counts as itself."""
        try:
            address = ipaddress.ip_address(ip.strip())
        except ValueError:
            return Source(ip, partner=False)
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        partner = any(address in partner_range for partner_range in self.partner_ranges)
        if address.version == 4:
            return Source(str(address), partner)
        return Source(str(ipaddress.ip_network(f"{address}/64", strict=False)), partner)
