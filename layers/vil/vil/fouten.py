"""Domain errors: each maps to one HTTP status in vil.api's table (and nowhere else)."""


class VilFout(Exception):
    """Base of every error a client can cause; `detail` is safe to show (never a BSN)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NietGeauthenticeerd(VilFout):
    """No valid token where one is needed."""


class NietGevonden(VilFout):
    """Unknown, or belonging to another caller (never 403 for someone else's resource)."""


class GeenToestemming(VilFout):
    """The resident has not consented to any source for this purpose."""


class GeenRecht(VilFout):
    """The caller acts under a valid machtiging that does not give what the route needs."""


class NietBeschikbaar(VilFout):
    """A register VIL must consult to answer gave no usable answer: try again later."""


class Conflict(VilFout):
    """The request conflicts with the current state (e.g. an application in this period)."""

    def __init__(self, detail: str, regelingen: list[str] | None = None) -> None:
        super().__init__(detail)
        self.regelingen = regelingen or []


class NogBezig(VilFout):
    """The same idempotent request is still being processed."""


class AndereInhoud(VilFout):
    """An Idempotency-Key reused with another body (IETF Idempotency-Key draft: 422)."""


class OngeldigVerzoek(VilFout):
    """Valid JSON, but not a request that can be carried out (e.g. a missing IBAN)."""

    def __init__(self, detail: str, velden: list[tuple[str, str]]) -> None:
        super().__init__(detail)
        self.velden = velden
