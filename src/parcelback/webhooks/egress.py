"""Where a webhook may go. A shop's endpoint must not make the worker call the installation's own network, so the
worker reads the URL exactly as its HTTP client does, resolves the host once, checks every address it got and
connects to the checked address itself (a second DNS answer cannot swap it), on every attempt."""
import ipaddress
import socket
from dataclasses import dataclass

from django.conf import settings
from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

# The one answer recorded for a refused target, whatever the reason: the delivery log must not tell a shop which
# internal hosts exist or which ports are open.
NOT_ALLOWED = "address not allowed"
NAT64 = ipaddress.ip_network("64:ff9b::/96")
DEFAULT_PORTS = {"http": 80, "https": 443}


class NotAllowed(Exception):
    """The target is refused (or, when private targets are allowed, cannot be resolved); the text is safe to log."""


@dataclass(frozen=True)
class Target:
    """A URL as the client reads it, and the checked address to connect to."""

    scheme: str
    host: str  # as written (lowercase, IDNA), for the Host header and TLS (SNI, certificate name)
    port: int
    path: str  # path and query
    address: str

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"

    @property
    def tls(self) -> dict:
        """Pool settings that verify the certificate against the host name while connecting to the address."""
        return {"server_hostname": self.host, "assert_hostname": self.host} if self.scheme == "https" else {}


def parse(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) exactly as urllib3 reads the URL; ValueError for anything but a plain http(s)
    URL to a host: credentials, backslashes, spaces and control characters are refused, never guessed at."""
    if "\\" in url or any(ord(c) <= 32 or ord(c) == 127 for c in url):
        raise ValueError("ambiguous URL")
    try:
        parsed = parse_url(url)
    except LocationParseError as error:
        raise ValueError("invalid URL") from error
    if parsed.scheme not in DEFAULT_PORTS or not parsed.host or parsed.auth is not None:
        raise ValueError("not an http(s) URL to a host")
    return parsed.scheme, parsed.host.strip("[]"), parsed.port or DEFAULT_PORTS[parsed.scheme], parsed.request_uri


def is_public(address: str) -> bool:
    """Only global unicast: not private, loopback, link-local, multicast, reserved or unspecified. An IPv6 address
    that carries an IPv4 one (NAT64, 6to4, Teredo) is judged by that one too; IPv4-mapped ones are refused."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address):
        carried = [ip.ipv4_mapped, ip.sixtofour, ip.teredo[1] if ip.teredo else None]
        if ip in NAT64:
            carried.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if any(v4 is not None and not is_public(str(v4)) for v4 in carried) or ip.is_site_local:
            return False
    return ip.is_global and not (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified
    )


def resolve(url: str) -> Target:
    """The checked target of one attempt. Numeric spellings (`2130706433`, `0x7f000001`, `127.1`, `0`) resolve
    to the address they mean and are judged by it. Raises NotAllowed."""
    strict = not settings.PARCELBACK_WEBHOOK_ALLOW_PRIVATE
    try:
        scheme, host, port, path = parse(url)
    except ValueError as error:
        raise NotAllowed(NOT_ALLOWED if strict else str(error)) from None
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise NotAllowed(NOT_ALLOWED if strict else "host not resolved") from None
    addresses = [info[4][0] for info in infos]
    if not addresses or (strict and not all(is_public(a) for a in addresses)):
        raise NotAllowed(NOT_ALLOWED)
    return Target(scheme, host, port, path, addresses[0])


def url_problem(url: str) -> str | None:
    """Why an endpoint URL cannot be registered (`invalid_url`), or None. Whether its address is allowed is decided
    at every delivery, on the address then connected to: DNS can change after registration."""
    try:
        parse(url)
    except ValueError:
        return "invalid_url"
    return None
