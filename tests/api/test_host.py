"""Server addresses: regions, hostnames and URLs, and what is refused before any request."""

import pytest

from custom_components.blynk_cloud.api import BlynkInvalidHostError, BlynkServer


@pytest.mark.parametrize(
    ("text", "url", "host", "scope"),
    [
        ("fra1", "https://fra1.blynk.cloud", "fra1.blynk.cloud", "blynk.cloud"),
        (" NY3 ", "https://ny3.blynk.cloud", "ny3.blynk.cloud", "blynk.cloud"),
        ("blynk.cloud", "https://blynk.cloud", "blynk.cloud", "blynk.cloud"),
        ("FRA1.Blynk.Cloud.", "https://fra1.blynk.cloud", "fra1.blynk.cloud", "blynk.cloud"),
        (
            "raymote.raypak.com",
            "https://raymote.raypak.com",
            "raymote.raypak.com",
            "raymote.raypak.com",
        ),
        (
            "blynk.example.com:9443",
            "https://blynk.example.com:9443",
            "https://blynk.example.com:9443",
            "blynk.example.com",
        ),
        (
            "http://127.0.0.1:8081",
            "http://127.0.0.1:8081",
            "http://127.0.0.1:8081",
            "127.0.0.1",
        ),
        (
            "http://127.0.0.1:8081/",
            "http://127.0.0.1:8081",
            "http://127.0.0.1:8081",
            "127.0.0.1",
        ),
        (
            "https://fra1.blynk.cloud:443",
            "https://fra1.blynk.cloud",
            "fra1.blynk.cloud",
            "blynk.cloud",
        ),
        ("https://[::1]:9443", "https://[::1]:9443", "https://[::1]:9443", "::1"),
    ],
)
def test_parse(text: str, url: str, host: str, scope: str) -> None:
    server = BlynkServer.parse(text)
    assert str(server.url) == url
    assert server.host == host
    assert server.scope == scope
    assert BlynkServer.parse(server.host) == server


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "not a region"),
        ("not a host", "not a region"),
        ("ftp://fra1.blynk.cloud", "only http and https"),
        ("http://host/path", "must not have a path"),
        ("http://user:pw@host", "must not carry"),
        ("http://host?token=x", "must not carry"),
        ("https://", "no host"),
        ("http://[zz", "not a valid URL"),
        ("a..b", "not a valid hostname"),
        ("-bad.example.com", "not a valid hostname"),
        ("host:99999", "out of range"),
        ("x" * 300 + ".com", "not a valid hostname"),
    ],
)
def test_refused(text: str, reason: str) -> None:
    with pytest.raises(BlynkInvalidHostError, match=reason):
        BlynkServer.parse(text)


def test_redirect_target() -> None:
    server = BlynkServer.parse("fra1")
    assert server.with_origin_of("https://ny3.blynk.cloud/external/api/get?x=1").host == (
        "ny3.blynk.cloud"
    )
    with pytest.raises(BlynkInvalidHostError):
        server.with_origin_of("/relative")
    with pytest.raises(BlynkInvalidHostError):
        server.with_origin_of("ftp://elsewhere")
