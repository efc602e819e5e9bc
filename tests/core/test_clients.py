"""Who is asking: per-client limits and "distinct clients" counts cannot be
reset or inflated by one client changing what it controls (its User-Agent, its
IPv6 address inside its own network, a forged forwarding header)."""

import pytest
from django.test import RequestFactory

from ocop.core.clients import client_address, client_key, client_network

factory = RequestFactory()


def key(address, **extra):
    return client_key(factory.get("/", REMOTE_ADDR=address, **extra))


def test_a_new_user_agent_is_no_new_client():
    assert key("203.113.1.25", HTTP_USER_AGENT="a") == key("203.113.1.25", HTTP_USER_AGENT="b")


def test_addresses_inside_one_ipv6_network_are_one_client():
    """A phone or a home is given a whole /64 and may use any address in it."""
    one = key("2001:db8:1:2::1")
    assert key("2001:db8:1:2:ffff:ffff:ffff:fffe") == one
    assert key("2001:db8:1:2:1234::9") == one
    assert key("2001:db8:1:3::1") != one  # another network is another client
    assert key("203.113.1.25") != key("203.113.1.26")  # IPv4 addresses as they are


def test_the_ipv6_network_is_a_setting(settings):
    settings.OCOP_CLIENT_IPV6_PREFIX = 128
    assert key("2001:db8:1:2::1") != key("2001:db8:1:2::2")


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("::ffff:203.113.1.25", "203.113.1.25"),
        ("2001:DB8:1:2::1", "2001:db8:1:2::/64"),
        ("not an address", "not an address"),
        ("", ""),
    ],
)
def test_client_network(address, network):
    assert client_network(address) == network


def test_behind_a_proxy_a_forged_forwarded_for_entry_is_not_the_client(settings):
    """nginx appends the address it saw to X-Forwarded-For: the entries before
    it are whatever the client wrote, so they must not make a new client."""
    settings.OCOP_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    forged = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.113.1.25")
    assert client_address(forged) == "203.113.1.25"
    other_forgery = factory.get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="5.6.7.8, 203.113.1.25"
    )
    assert client_key(forged) == client_key(other_forgery)
    settings.OCOP_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    assert client_address(factory.get("/", HTTP_X_REAL_IP="203.113.1.25")) == "203.113.1.25"
    # Without the header the connection's address.
    assert client_address(factory.get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"


def test_the_stored_address_of_an_ipv6_client_is_its_network():
    from ocop.core.clients import client_ip

    assert client_ip(factory.get("/", REMOTE_ADDR="2001:db8:1:2::abcd")) == "2001:db8:1:2::"
    assert client_ip(factory.get("/", REMOTE_ADDR="::ffff:203.113.1.25")) == "203.113.1.25"
    assert client_ip(factory.get("/", REMOTE_ADDR="203.113.1.25")) == "203.113.1.25"
    assert client_ip(factory.get("/", REMOTE_ADDR="not an address")) is None
    assert client_ip(None) is None
