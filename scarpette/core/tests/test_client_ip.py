"""The client's address behind reverse proxies: believed only through the proxies we trust."""

from __future__ import annotations

import ipaddress

import pytest
from allauth.account.adapter import get_adapter
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from scarpette.accounts.testing import PASSWORD
from scarpette.audit.models import AuditEvent
from scarpette.core.client_ip import client_ip, parse_networks

PROXY = "10.0.0.5"
CLIENT = "203.0.113.9"
ATTACKER = "198.51.100.66"


def ip_of(remote_addr: str, forwarded: str | None = None) -> str | None:
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **extra))


def test_without_trusted_proxies_the_header_is_ignored():
    assert ip_of(CLIENT, forwarded="192.0.2.1") == CLIENT


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_one_trusted_proxy_gives_the_address_it_appended():
    # A client may send her own header: the proxy appends the real address at the right.
    assert ip_of(PROXY, forwarded=CLIENT) == CLIENT
    assert ip_of(PROXY, forwarded=f"192.0.2.1, {CLIENT}") == CLIENT


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_two_trusted_proxies_skip_two_hops():
    assert ip_of(PROXY, forwarded=f"192.0.2.1, {CLIENT}, 10.0.0.9") == CLIENT


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_a_header_shorter_than_the_proxy_chain_falls_back_to_the_peer():
    assert ip_of(PROXY, forwarded=CLIENT) == PROXY
    assert ip_of(PROXY) == PROXY


@override_settings(TRUSTED_PROXIES=parse_networks(["10.0.0.0/24", "::1"]))
def test_a_listed_proxy_is_skipped_hop_by_hop():
    assert ip_of(PROXY, forwarded=CLIENT) == CLIENT
    assert ip_of(PROXY, forwarded=f"{ATTACKER}, {CLIENT}, 10.0.0.7") == CLIENT
    assert ip_of("::1", forwarded=f"[2001:db8::5], {PROXY}") == "2001:db8::5"


@override_settings(TRUSTED_PROXIES=parse_networks(["10.0.0.0/24"]))
def test_a_spoofed_header_from_an_untrusted_peer_is_ignored():
    assert ip_of(ATTACKER, forwarded=CLIENT) == ATTACKER
    assert ip_of(ATTACKER, forwarded=f"{CLIENT}, {PROXY}") == ATTACKER


@override_settings(TRUSTED_PROXIES=parse_networks(["10.0.0.0/24"]))
def test_every_hop_trusted_gives_the_leftmost():
    assert ip_of(PROXY, forwarded="10.0.0.8, 10.0.0.7") == "10.0.0.8"


@pytest.mark.parametrize(
    "forwarded", ["", "   ", "not-an-ip", f"{CLIENT}, nonsense", "999.1.1.1", "unknown, ,"]
)
@pytest.mark.parametrize(
    "config",
    [{"TRUSTED_PROXY_COUNT": 1}, {"TRUSTED_PROXIES": parse_networks(["10.0.0.0/24"])}],
)
def test_a_malformed_header_falls_back_to_the_peer(forwarded, config):
    with override_settings(**config):
        assert ip_of(PROXY, forwarded=forwarded) == PROXY


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_only_the_hops_we_read_must_be_addresses():
    assert ip_of(PROXY, forwarded=f"whatever, {CLIENT}") == CLIENT


def test_networks_are_parsed_and_a_bad_one_is_named():
    assert parse_networks(["10.0.0.1", "fd00::/8"]) == (
        ipaddress.ip_network("10.0.0.1/32"),
        ipaddress.ip_network("fd00::/8"),
    )
    with pytest.raises(ValueError, match="'proxy.example'"):
        parse_networks(["proxy.example"])


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_allauth_uses_the_same_client_address():
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT)
    assert get_adapter(request).get_client_ip(request) == CLIENT


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_the_audit_records_the_client_behind_the_proxy(personas):
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{ATTACKER}, {CLIENT}")
    client.post(
        reverse("account_login"),
        {"login": personas.operator_a.email, "password": "wrong-" + PASSWORD},
    )
    event = AuditEvent.objects.get(action="accounts.login.failed")
    assert event.ip == CLIENT


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_the_reset_throttle_blocks_one_client_not_everyone_behind_the_proxy(db):
    url = reverse("account_reset_password")
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)
    answers = [
        attacker.post(url, {"email": f"nobody{i}@example.org"}).status_code for i in range(6)
    ]
    assert answers[-1] == 429  # reset_password: 5/m per address
    colleague = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT)
    assert colleague.post(url, {"email": "somebody@example.org"}).status_code == 302
