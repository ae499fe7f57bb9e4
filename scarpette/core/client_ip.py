"""The client's address, as seen through the reverse proxies we trust (and only those).

Behind a reverse proxy `REMOTE_ADDR` is the proxy: the audit's "from where", the login throttle
and the tablet-code throttle would then see one address for everybody, and one attacker could
lock everyone out. `X-Forwarded-For` carries the real address, but anybody can send that header:
it is believed only hop by hop from the right, and only through proxies we configured.

- `TRUSTED_PROXY_COUNT = N` (N proxies in front of the application, each appending the address it
  received the request from): the client is the N-th address from the right of the header.
- `TRUSTED_PROXIES = [networks]`: walk from the peer leftwards while the hop is one of ours; the
  first address that is not ours is the client. A request whose peer is not one of ours keeps
  `REMOTE_ADDR`, whatever header it sent.
- Neither (the default): `REMOTE_ADDR`, the header is ignored.

A header that is missing, too short or not made of addresses falls back to `REMOTE_ADDR`.
Settings are parsed once at start-up (config/settings.py); this module only reads them.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_address(value: str) -> str | None:
    """A canonical IP address, or None if `value` is not one (brackets of IPv6 allowed)."""
    value = (value or "").strip()
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    return str(address)


def parse_networks(values: list[str]) -> tuple[_Network, ...]:
    """Addresses or CIDRs → networks; raises ValueError naming the first bad one."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError as exc:
            raise ValueError(f"{value!r} is not an IP address or network") from exc
    return tuple(networks)


def _is_trusted(address: str, networks: tuple[_Network, ...]) -> bool:
    ip = ipaddress.ip_address(address)
    return any(ip.version == net.version and ip in net for net in networks)


def client_ip(request) -> str | None:
    """The address of whoever sent this request, or None when even the peer is unknown."""
    peer = parse_address(request.META.get("REMOTE_ADDR", ""))
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    networks = getattr(settings, "TRUSTED_PROXIES", ())
    if peer is None or (not count and not networks):
        return peer
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [parse_address(part) for part in header.split(",")] if header.strip() else []
    if networks:
        if not _is_trusted(peer, networks):
            return peer  # not our proxy: its header is whatever the sender wanted it to be
        current = peer
        for hop in reversed(hops):
            if hop is None:
                return peer
            current = hop
            if not _is_trusted(hop, networks):
                return hop
        return current  # every hop is ours: the leftmost is the best we know
    if len(hops) < count or hops[-count] is None:
        return peer
    # Only the hops we read must be addresses: what the client wrote further left is not ours.
    if any(hop is None for hop in hops[-count:]):
        return peer
    return hops[-count]
