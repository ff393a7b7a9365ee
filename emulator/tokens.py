"""OAuth2 access and refresh tokens: issue, check, refresh once, expire, revoke.

Documented: access tokens last ``expires_in`` seconds (24 h on Blynk.Cloud); refresh
tokens share that lifetime and can be used only once.

Inferences: tokens are opaque 40-character strings like the documented examples; a
refresh token only works with the client it was issued to; using it does not revoke
the access token issued with it; rotating a client secret keeps issued tokens valid.
"""

from collections.abc import Callable
from dataclasses import dataclass
import secrets


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """Who a token was issued to and when it stops working (clock seconds)."""

    client_id: str
    expires_at: float


class TokenStore:
    """The tokens issued by the token endpoint."""

    def __init__(self, clock: Callable[[], float], lifetime: float) -> None:
        """Use ``clock`` (seconds) for expiry; tokens last ``lifetime`` seconds."""
        self.clock = clock
        self.lifetime = lifetime
        self._access: dict[str, IssuedToken] = {}
        self._refresh: dict[str, IssuedToken] = {}

    def issue(self, client_id: str) -> tuple[str, str]:
        """Issue and return a new ``(access_token, refresh_token)`` for ``client_id``."""
        issued = IssuedToken(client_id, self.clock() + self.lifetime)
        access, refresh = secrets.token_urlsafe(30), secrets.token_urlsafe(30)
        self._access[access] = issued
        self._refresh[refresh] = issued
        return access, refresh

    def client_of(self, access_token: str) -> str | None:
        """Return the client id of a valid access token, else None."""
        issued = self._access.get(access_token)
        if issued is None or self.clock() >= issued.expires_at:
            return None
        return issued.client_id

    def use_refresh(self, refresh_token: str, client_id: str) -> bool:
        """Consume a refresh token of ``client_id``; return whether it was valid."""
        issued = self._refresh.get(refresh_token)
        if issued is None or issued.client_id != client_id:
            return False
        del self._refresh[refresh_token]
        return self.clock() < issued.expires_at

    def all_tokens(self) -> list[str]:
        """Return every issued token (to check that none leaks)."""
        return [*self._access, *self._refresh]

    def revoke_all(self) -> None:
        """Make every issued token invalid."""
        self._access.clear()
        self._refresh.clear()
