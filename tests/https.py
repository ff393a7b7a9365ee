"""An https front for the emulator (which serves plain http): a certificate the tests trust.

Blynk.Cloud is reached over https; its redirects and export links must never lead to plain
http. The proxy passes every request to one region of the emulator as it is, and its answers
back as they are, so the emulator's own redirects and links (http) reach an https client.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address
from pathlib import Path
import ssl
import tempfile

import aiohttp
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.api.conftest import serving

_PASSED_ON = ("Authorization", "Content-Type", "Location", "Retry-After", "WWW-Authenticate")


def certificate() -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A self-signed certificate for 127.0.0.1: the server's context, and a client's trusting it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    address = x509.SubjectAlternativeName([x509.IPAddress(ip_address("127.0.0.1"))])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(address, critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    with tempfile.TemporaryDirectory() as folder:  # load_cert_chain reads files only
        cert_file, key_file = Path(folder, "cert.pem"), Path(folder, "key.pem")
        cert_file.write_bytes(cert_pem)
        key_file.write_bytes(key_pem)
        server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cadata=cert_pem.decode())
    return server, client


@asynccontextmanager
async def https_proxy(target: str, server_context: ssl.SSLContext) -> AsyncIterator[str]:
    """Serve `https://127.0.0.1:<port>`, passing each request on to `target` (http)."""
    async with aiohttp.ClientSession() as session:

        async def forward(request: web.Request) -> web.Response:
            async with session.request(
                request.method,
                f"{target}{request.path_qs}",
                data=await request.read(),
                headers={k: v for k, v in request.headers.items() if k in _PASSED_ON},
                allow_redirects=False,
            ) as answer:
                return web.Response(
                    status=answer.status,
                    body=await answer.read(),
                    headers={k: v for k, v in answer.headers.items() if k in _PASSED_ON},
                )

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", forward)
        async with serving(app, server_context) as url:
            yield url
