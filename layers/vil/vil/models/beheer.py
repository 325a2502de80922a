"""The beheermodule: versions of a gemeente's parameters of a regeling, as data (issue 13).

A version holds new dated values for the regeling's own parameters (a gemeente's choice; the
statutory ones of the Rijk are read-only), the test cases the beheerder adds or supersedes,
and who did what when. States: concept -> ter-goedkeuring -> goedgekeurd (or afgekeurd), and
ingetrokken by the proposer before approval; an approved version is `actief` from the day it
takes effect until a later one does (`vervangen`), derived when read (docs/beheer.md).

`pas_toe` is the one definition of what a version does to a regeling's rule file: the beheer
service checks a proposal with it, and the catalogue of every function builds the published
versions with it.

An impact report of a version (`Impactrapport`): the gemeente's stored households, frozen once
per version, decided under the current and the proposed values; the approval names the report
its approver saw.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Field

from vil.models.base import DecimaalAlsTekst, Peildatum, VilModel
from vil.models.regeling import Naam, Regeling, Status, Tekst, Testgeval

# A fact of the household by its path in the rule file's invoer: aanvrager.student
Pad = Annotated[str, Field(pattern=r"^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)*$", max_length=100)]
EIGEN_VERKLARING = (
    "Gegevens (paden uit de invoer van de regeling) die de gemeente op het woord van de inwoner"
    " aanneemt zonder dat dat een automatische toekenning blokkeert (toekenning.eigenVerklaring);"
    " vervangt de lijst van het regelbestand. Weglaten: ongewijzigd."
)

# A parameter's value as a rule file writes it: up to six decimals (a percentage such as 1.912).
Parameterwaarde = Annotated[
    Decimal,
    DecimaalAlsTekst(
        6,
        "een waarde als tekst is cijfers met hoogstens zes decimalen: 1.912",
        "Een geheel getal, of tekst met hoogstens zes decimalen.",
    ),
]


class Versiestatus(StrEnum):
    concept = "concept"
    ter_goedkeuring = "ter-goedkeuring"
    goedgekeurd = "goedgekeurd"
    afgekeurd = "afgekeurd"
    ingetrokken = "ingetrokken"
    # Derived, never stored: an approved version in force today, and one a later one replaced.
    actief = "actief"
    vervangen = "vervangen"


# A frozen population is a copy of household facts (no pseudonym, no BSN): kept this long, and a
# run after that freezes a new one (docs/bewaartermijnen.md).
MOMENTOPNAME_BEWAARTERMIJN = timedelta(days=30)


class Impactstatus(StrEnum):
    lopend = "lopend"
    klaar = "klaar"
    mislukt = "mislukt"


class Rapportverwijzing(VilModel):
    """The impact report an approver saw: its id and its hash (`Impactrapport.hash`)."""

    id: str = Field(description="Id van het impactrapport.", pattern=r"^[0-9a-f]{32}$")
    hash: str = Field(description="De hash van het rapport (sha256:...).",
                      pattern=r"^sha256:[0-9a-f]{64}$")  # fmt: skip


class Waardevoorstel(VilModel):
    """One new dated value of one of the regeling's parameters."""

    parameter: Naam = Field(description="De naam van de parameter in het regelbestand.")
    vanaf: Peildatum = Field(description="Geldig voor peildata vanaf deze datum.")
    waarde: Parameterwaarde = Field(description="De waarde, in de eenheid van de parameter.")
    bron: Tekst = Field(
        description="De publicatie: CVDR- of gmb-nummer, of de pagina van de gemeente.",
        max_length=500,
    )
    status: Status = Field(description="bevestigd (gepubliceerd) of onbevestigd.")
    reden: Tekst | None = Field(None, description="Waarom onbevestigd.", max_length=1000)


class Handeling(VilModel):
    """One act on a version: who (the beheerder's medewerker id), what, when, why."""

    handeling: str = Field(
        description=(
            "voorgesteld, correctie-voorgesteld, ingediend, goedgekeurd, afgekeurd of ingetrokken."
        )
    )
    door: str = Field(description="De medewerker (beheerder) die het deed.")
    op: datetime = Field(description="Wanneer (UTC).")
    reden: str | None = Field(None, description="De reden (afkeuren).")


class Regelingversie(VilModel):
    """A proposed version of a gemeente's parameters of one regeling."""

    regeling: str = Field(description="Id van de regeling.")
    gemeentecode: str = Field(description="De gemeente van wie de waarden zijn.")
    versie: int = Field(description="Volgnummer per regeling en gemeente, vanaf 1.")
    status: Versiestatus = Field(description="De status van de versie.")
    ingangsdatum: date = Field(description="Vanaf wanneer de nieuwe waarden gelden.")
    toelichting: str = Field(description="Waarom deze versie.")
    waarden: list[Waardevoorstel] = Field(description="De nieuwe waarden.")
    tests: list[Testgeval] = Field(description="Toegevoegde of vervangende testgevallen.")
    eigen_verklaring: list[Pad] | None = Field(None, description=EIGEN_VERKLARING)
    regelversie: str = Field(description="Inhoudshash van de regeling met deze waarden.")
    voorgesteld_door: str = Field(description="De medewerker die de versie voorstelde.")
    goedgekeurd_door: str | None = Field(None, description="De tweede beheerder, na goedkeuring.")
    impactrapport: Rapportverwijzing | None = Field(
        None, description="Het impactrapport dat de tweede beheerder zag bij goedkeuren."
    )
    geschiedenis: list[Handeling] = Field(description="Elke handeling, oudste eerst.")
    basisversie: str | None = Field(
        None,
        description=(
            "Inhoudshash van de regeling waarop de versie voortbouwt (het regelbestand met de"
            " versies die bij het voorstel al gepubliceerd waren)."
        ),
    )
    terugdraaiing_van: int | None = Field(
        None,
        description=(
            "Bij een terugdraaiing: de versie waarvan de waarden vervallen; de waarden van"
            " daarvoor gelden weer."
        ),
    )
    correctie_van: int | None = Field(
        None,
        description=(
            "Bij een correctie van het verleden: de gepubliceerde versie waarvan deze versie"
            " waarden verbetert, voor de peildata vanaf de dag dat die versie inging."
        ),
    )
    correcties: list[int] = Field(
        default_factory=list,
        exclude_if=lambda value: not value,
        description=(
            "De goedgekeurde correcties van deze versie (hun volgnummers), afgeleid bij het lezen."
        ),
    )
    in_werking_vanaf: date | None = Field(
        None,
        description=(
            "Na goedkeuring: vanaf welke peildatum de versie geldt, de ingangsdatum of, als die al"
            " voorbij is, de dag van goedkeuring (het verleden verandert niet)."
        ),
    )

    def pas_toe(self, regeling: Regeling) -> Regeling:
        """The regeling's rule file with this version's values (each replacing one of the same
        date and gemeente) and test cases (each replacing one of the same name). A value of a
        parameter that is a gemeente's choice (`gemeentekeuze`, in a regeling of several
        gemeenten) holds for this version's gemeente alone.

        Raises:
            ValueError: the result is no valid regeling (pydantic).
        """
        document: dict[str, Any] = regeling.model_dump(
            mode="json", by_alias=True, exclude_unset=True
        )
        for naam, parameter in regeling.parameters.items():
            if parameter.gemeentekeuze is not None:  # not in the dump (models/regeling.py)
                document["parameters"][naam]["gemeentekeuze"] = parameter.gemeentekeuze.model_dump(
                    mode="json", by_alias=True
                )
        for waarde in self.waarden:
            nieuw = waarde.model_dump(mode="json", exclude={"parameter"}, exclude_none=True)
            nieuw["waarde"] = str(waarde.waarde)
            if regeling.parameters[waarde.parameter].gemeentekeuze is not None:
                nieuw["gemeente"] = self.gemeentecode  # a choice of this gemeente alone
            bestaand = document["parameters"][waarde.parameter]["waarden"]
            document["parameters"][waarde.parameter]["waarden"] = [
                w for w in bestaand
                if not (w["vanaf"] == nieuw["vanaf"] and w.get("gemeente") == nieuw.get("gemeente"))
            ] + [nieuw]  # fmt: skip
        if self.eigen_verklaring is not None:
            document["toekenning"]["eigenVerklaring"] = list(self.eigen_verklaring)
        namen = {t.naam for t in self.tests}
        document["tests"] = [t for t in document.get("tests", []) if t["naam"] not in namen] + [
            t.model_dump(mode="json", by_alias=True, exclude_unset=True) for t in self.tests
        ]
        return Regeling.model_validate(document)


class VersievoorstelRequest(VilModel):
    """POST /v1/regelingen/{id}/versies: a new version, stored as concept once it passes the
    loader's checks and every test case of the regeling (or its superseding ones)."""

    ingangsdatum: Peildatum = Field(description="Vanaf wanneer de nieuwe waarden gelden.")
    toelichting: str = Field(min_length=1, max_length=4000, description="Waarom deze versie.")
    waarden: list[Waardevoorstel] = Field(min_length=1, max_length=100)
    eigen_verklaring: list[Pad] | None = Field(None, max_length=50, description=EIGEN_VERKLARING)
    # Checked against the rule file's model (Testgeval) by the service, after the caller and
    # the regeling are known: the rule file's format is documented in rules/README.md.
    tests: list[dict[str, Any]] = Field(
        default_factory=list,
        max_length=100,
        description=(
            "Testgevallen zoals in het regelbestand (naam, bron, peildatum, huishouden, verwacht),"
            " met de nieuwe bedragen; een geval met de naam van een bestaand geval vervangt dat."
        ),
    )


class VersiestatusRequest(VilModel):
    """PATCH /v1/regelingen/{id}/versies/{versie}: the proposer's next step."""

    status: Literal["ter-goedkeuring", "ingetrokken"] = Field(
        description="ter-goedkeuring (indienen) of ingetrokken (terugtrekken)."
    )


class GoedkeuringRequest(VilModel):
    """POST /v1/regelingen/{id}/versies/{versie}/goedkeuringen: the second beheerder."""

    besluit: Literal["goedkeuren", "afkeuren"] = Field(description="goedkeuren of afkeuren.")
    reden: str | None = Field(
        None, min_length=1, max_length=4000, description="Verplicht bij afkeuren."
    )
    impactrapport: Rapportverwijzing | None = Field(
        None,
        description=(
            "Verplicht bij goedkeuren: het impactrapport van deze versie dat u zag (id en hash);"
            " het moet klaar zijn."
        ),
    )


class Publicatie(VilModel):
    """One approved version in the version pointer, in the order of approval."""

    regeling: str
    gemeentecode: str
    versie: int


class Wijzer(VilModel):
    """The version pointer: how many versions are published, and which, in order. Every
    function reads this one item to know whether its catalogue is still current."""

    nummer: int = 0
    publicaties: list[Publicatie] = Field(default_factory=list)


class TerugdraaiingRequest(VilModel):
    """POST /v1/regelingen/{id}/versies/{versie}/terugdraaiingen: a new version that makes the
    values from before the latest published version apply again, with the same four eyes."""

    ingangsdatum: Peildatum = Field(description="Vanaf wanneer de vorige waarden weer gelden.")
    toelichting: str = Field(min_length=1, max_length=4000, description="Waarom terugdraaien.")


class CorrectieRequest(VilModel):
    """POST /v1/regelingen/{id}/versies/{versie}/correcties: a correction of the past, a new
    version that gives values of a published version another value for every peildatum since
    that version took effect, with the same four eyes. Beslisverslagen made before keep the
    version they used and replay with it."""

    toelichting: str = Field(
        min_length=1, max_length=4000, description="Wat er fout was, en waarom dit het juiste is."
    )
    waarden: list[Waardevoorstel] = Field(
        min_length=1,
        max_length=100,
        description=(
            "De verbeterde waarden: elk een waarde die de versie vaststelde (dezelfde parameter"
            " en `vanaf`), met haar publicatie."
        ),
    )
    tests: list[dict[str, Any]] = Field(
        default_factory=list,
        max_length=100,
        description="Testgevallen met de verbeterde bedragen, zoals bij een voorstel.",
    )


class ListVersiesResponse(VilModel):
    versies: list[Regelingversie] = Field(description="Elke versie, nieuwste eerst.")


class Momentopname(VilModel):
    """The frozen population of one version: how many households, by which id."""

    id: str = Field(description="Id van de momentopname; gelijk voor elke run van de versie.")
    huishoudens: int = Field(description="Aantal huishoudens (de laatste beoordeling per inwoner).")
    delen: int = Field(description="In zoveel delen bewaard; een grote run rekent per groep delen.")
    gemaakt_op: datetime = Field(description="Wanneer de momentopname is gemaakt (UTC).")


class Synthetisch(VilModel):
    """The seeded synthetic population of the gemeente, reported apart from the real one."""

    seed: str = Field(description="Het zaad van de trekking (docs/beheer.md).")
    huishoudens: int = Field(description="Aantal getrokken huishoudens.")
    regelingen: dict[str, dict[str, Any]] = Field(description="De cijfers per regeling.")


class Impactrapport(VilModel):
    """GET /v1/regelingen/{id}/versies/{versie}/impact/{rapport}: one run of the impact of a
    version. Counts below 10 are null (k-anonymity), and so is any count from which one could
    derive a hidden one."""

    id: str = Field(description="Id van het rapport.")
    regeling: str = Field(description="Id van de regeling.")
    gemeentecode: str = Field(description="De gemeente.")
    versie: int = Field(description="De versie waarvan dit de impact is.")
    regelversie: str = Field(description="Inhoudshash van de regeling met de voorgestelde waarden.")
    status: Impactstatus = Field(description="lopend, klaar of mislukt.")
    peildatum: date = Field(description="Beoordeeld op deze datum: de ingangsdatum van de versie.")
    gestart_door: str = Field(description="De beheerder die de run startte.")
    gestart_op: datetime = Field(description="Wanneer de run startte (UTC).")
    klaar_op: datetime | None = Field(None, description="Wanneer de run klaar of mislukt was.")
    momentopname: Momentopname | None = Field(
        None, description="De bevroren huishoudens van de gemeente (zodra bekend)."
    )
    regelingen: dict[str, dict[str, Any]] | None = Field(
        None,
        description=(
            "Per regeling, over de eigen huishoudens: huishoudens, gewonnen, verloren,"
            " jaarkostenVerschil, bedragen (vijf emmers), perHuishoudtype, perInkomensband."
        ),
    )
    synthetisch: Synthetisch | None = Field(
        None, description="Dezelfde cijfers over een synthetische bevolking, als er weinig zijn."
    )
    hash: str | None = Field(None, description="sha256 van het rapport, zodra klaar.")
    fout: str | None = Field(None, description="Waarom de run mislukte.")


class ImpactBericht(VilModel):
    """The message that continues a run asynchronously (the impact queue): no personal data."""

    regeling: str = Field(max_length=100)
    gemeentecode: str = Field(pattern=r"^\d{4}$")
    versie: int = Field(ge=1, le=999_999)
    rapport: str = Field(pattern=r"^[0-9a-f]{32}$")
    # A share of a large run: this group of the frozen population's parts, of `groepen`.
    momentopname: str | None = Field(None, pattern=r"^[0-9a-f]{32}$")
    groep: int | None = Field(None, ge=0, le=9999)
    groepen: int | None = Field(None, ge=1, le=10000)
