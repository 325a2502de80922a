"""The identity provider's token endpoint over httpx: the `Inlogdienst` port."""

import httpx

from vil.fouten import NietGeauthenticeerd
from vil.ports import Tokens


class Tokenendpoint:
    """POST the code and the PKCE verifier, get the tokens (RFC 6749 4.1.3, RFC 7636 4.5).

    Client authentication is `client_id` in the body (a public client with PKCE, as the local
    DigiD simulation takes it); a broker that wants private_key_jwt needs it added here.
    """

    def __init__(self, url: str, client_id: str, timeout: float = 5.0) -> None:
        self.url = url
        self.client_id = client_id
        self.timeout = timeout

    def wissel(self, code: str, code_verifier: str, redirect_uri: str) -> Tokens:
        antwoord = httpx.post(
            self.url,
            data={
                "grant_type": "authorization_code",
                "code": code,
                "code_verifier": code_verifier,
                "redirect_uri": redirect_uri,
                "client_id": self.client_id,
            },
            headers={"Accept": "application/json"},
            timeout=self.timeout,
        )
        if antwoord.status_code != 200:
            raise NietGeauthenticeerd("De inlogdienst weigerde de code.")
        body = antwoord.json()
        try:
            return Tokens(access_token=str(body["access_token"]), id_token=str(body["id_token"]))
        except KeyError:
            raise NietGeauthenticeerd("De inlogdienst gaf geen tokens.") from None
