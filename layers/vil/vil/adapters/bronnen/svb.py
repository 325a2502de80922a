"""The SVB (our own contract, docs/sources.md): kinderbijslag per child, and AOW."""

from datetime import date

from pydantic import Field

from vil.adapters.bronnen.client import SourceClient, SourceModel


class Kinderbijslag(SourceModel):
    """A child for whom the person receives kinderbijslag."""

    burgerservicenummer: str


class Uitkeringen(SourceModel):
    kinderbijslag: list[Kinderbijslag] = Field(default_factory=list)
    # Part of the contract; no household fact takes it yet (docs/sources.md).
    aow: bool | None = None


class SvbClient(SourceClient):
    """POST {svb_url}/uitkeringen."""

    def uitkeringen(self, bsn: str, peildatum: date) -> Uitkeringen:
        return self.post(
            "/uitkeringen",
            {"burgerservicenummer": bsn, "peildatum": peildatum.isoformat()},
            Uitkeringen,
        )
