"""The Belastingdienst (our own contract, docs/sources.md): income, wealth, health insurance."""

from vil.adapters.bronnen.client import SourceClient, SourceModel
from vil.models.base import Bedrag


class Inkomensgegevens(SourceModel):
    """One person in one calendar year; a value the Belastingdienst does not have is absent."""

    belastingjaar: int
    toetsingsinkomen: Bedrag | None = None
    vermogen: Bedrag | None = None  # rendementsgrondslag on 1 January of the belastingjaar
    zorgverzekerd: bool | None = None


class BelastingdienstClient(SourceClient):
    """POST {belastingdienst_url}/inkomensgegevens."""

    def inkomensgegevens(self, bsn: str, belastingjaar: int) -> Inkomensgegevens:
        return self.post(
            "/inkomensgegevens",
            {"burgerservicenummer": bsn, "belastingjaar": belastingjaar},
            Inkomensgegevens,
        )
