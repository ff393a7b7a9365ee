"""Server addresses: Blynk.Cloud regions, white-label hosts and local URLs."""

from dataclasses import dataclass
from ipaddress import ip_address
import re

from yarl import URL

from .errors import BlynkInvalidHostError

CLOUD_DOMAIN = "blynk.cloud"
# The regional hosts the Blynk documentation names; any other host is accepted as typed.
REGIONS = ("fra1", "lon1", "ny3", "sgp1", "blr1")
REGIONAL_HOSTS = (CLOUD_DOMAIN, *(f"{region}.{CLOUD_DOMAIN}" for region in REGIONS))

_REGION = re.compile(r"^[a-z]{2,5}[0-9]{1,2}$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_MAX_HOSTNAME = 253
_MAX_PORT = 65535
_HOST_PORT = re.compile(r"^(?P<host>[^:/?#@\s]+)(?::(?P<port>[0-9]{1,5}))?$")


@dataclass(frozen=True, slots=True)
class BlynkServer:
    """A validated server address."""

    url: URL
    """Scheme, host and port only: `https://fra1.blynk.cloud`, `http://127.0.0.1:8081`."""

    @classmethod
    def parse(cls, text: str) -> BlynkServer:
        """Accept a region (`fra1`), a hostname (`fra1.blynk.cloud`) or a URL with scheme."""
        text = text.strip()
        if "://" in text:
            return cls(_parse_url(text))
        lowered = text.lower()
        if _REGION.match(lowered):
            return cls(URL.build(scheme="https", host=f"{lowered}.{CLOUD_DOMAIN}"))
        match = _HOST_PORT.match(lowered)
        if match is None:
            raise BlynkInvalidHostError("not a region, hostname or URL")
        port = match["port"]
        return cls(_build("https", match["host"], int(port) if port else None))

    @property
    def host(self) -> str:
        """The address as users write it: a bare hostname for https on port 443, else the URL."""
        if self.url.scheme == "https" and self.url.explicit_port is None:
            return str(self.url.host)
        return str(self.url)

    @property
    def is_blynk_cloud(self) -> bool:
        """Whether this is Blynk.Cloud itself (a regional host or the GeoDNS entry point)."""
        host = str(self.url.host)
        return host == CLOUD_DOMAIN or host.endswith(f".{CLOUD_DOMAIN}")

    @property
    def scope(self) -> str:
        """What identifies the server: `blynk.cloud` for every region, else the hostname.

        Neither the region (Blynk may move an account) nor the scheme or port (a server may
        move to another port) takes part, so identifiers built on it stay stable.
        """
        if self.is_blynk_cloud:
            return CLOUD_DOMAIN
        return str(self.url.host)

    def with_origin_of(self, location: str) -> BlynkServer:
        """The server a redirect's `Location` points at (its scheme, host and port)."""
        target = URL(location)
        if not target.is_absolute() or target.scheme not in ("http", "https"):
            raise BlynkInvalidHostError("redirect to an address that is not http(s)")
        return BlynkServer(_build(target.scheme, str(target.host), target.explicit_port))


def _parse_url(text: str) -> URL:
    try:
        url = URL(text)
    except ValueError as err:
        raise BlynkInvalidHostError("not a valid URL") from err
    if url.scheme not in ("http", "https"):
        raise BlynkInvalidHostError("only http and https URLs are supported")
    if url.user or url.password or url.query_string or url.fragment:
        raise BlynkInvalidHostError("the URL must not carry credentials, a query or a fragment")
    if url.path not in ("", "/"):
        raise BlynkInvalidHostError("the URL must not have a path")
    if not url.host:
        raise BlynkInvalidHostError("the URL has no host")
    return _build(url.scheme, url.host, url.explicit_port)


def _build(scheme: str, host: str, port: int | None) -> URL:
    host = host.lower().rstrip(".").strip("[]")
    if not _valid_host(host):
        raise BlynkInvalidHostError("not a valid hostname")
    if port is not None and not 0 < port <= _MAX_PORT:
        raise BlynkInvalidHostError("the port is out of range")
    return URL.build(scheme=scheme, host=host, port=port)


def _valid_host(host: str) -> bool:
    try:
        ip_address(host.strip("[]"))
    except ValueError:
        labels = host.split(".")
        return len(host) <= _MAX_HOSTNAME and all(_LABEL.match(label) for label in labels)
    return True
