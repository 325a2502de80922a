"""Every key of the main and audit tables in one place: the table layout (docs/decisions.md).

BURGER#<pseudoniem>   TOESTEMMING#<bron>#<versie>       append-only consent ledger
BURGER#<pseudoniem>   PROFIEL                           the BSN, KMS-encrypted, while consent lasts
BURGER#<pseudoniem>   GEGEVENS#<bron>                   cached source data (deleted on revoke)
BURGER#<pseudoniem>   BEOORDELING#<id>                  GSI2: the gemeente's (BEOORDEELD#<code>)
BURGER#<pseudoniem>   LAATSTE_BEOORDELING               points to the newest beoordeling (ids are
                                                        uuid4: BEOORDELING# has no time order)
BURGER#<pseudoniem>   PERIODE#<regeling>                one application per period (conditional)
BURGER#<pseudoniem>   STAND                             the monthly check's baseline (versioned)
BURGER#<pseudoniem>   MELDING#<id>                      what the monthly check found
AANVRAAG#<id>         AANVRAAG                          GSI1: the resident's, GSI2: the gemeente's
AANVRAAG#<id>         BESLISVERSLAG#<tijd>
MACHTIGING#<id>       MACHTIGING                        GSI1: the resident's, GSI2: its holder's
GEBEURTENIS#<id>      GEBEURTENIS                       outbox: written with the change it reports;
                                                        the table's stream hands it to the relay
GEMEENTE#<code>       ABONNEMENT#<id>                   a webhook subscription; secrets encrypted
ABONNEMENT#<id>       AFLEVERING#<event time>#<event id> one event for it, with every attempt
REGELING#<id>#<code>  VERSIE#<nummer>                   a version of a gemeente's parameters
REGELINGEN            WIJZER                            the version pointer: what is published
REGELING#<id>#<code>  MOMENTOPNAME#<nummer>             the frozen population of a version
REGELING#<id>#<code>  IMPACT#<nummer>#<id>              an impact report of a version
REGELING#<id>#<code>  IMPACTDEEL#<nummer>#<id>#<groep>  a worker's counts of a large run
MOMENTOPNAME#<id>     DEEL#<n>                          a part of a frozen population (gzip)
SESSIE#<sha256 of id> SESSIE                            a loket session (TTL: its end)
BETROKKENE#<pseudoniem> <tijd>#<uuid>                   the audit table: one record per read
"""

from datetime import datetime

from vil.models.toestemming import Bron

PROFIEL = "PROFIEL"
STAND = "STAND"
LAATSTE_BEOORDELING = "LAATSTE_BEOORDELING"
AANVRAAG = "AANVRAAG"
GEBEURTENIS = "GEBEURTENIS"
MACHTIGING = "MACHTIGING"
REGELINGEN = "REGELINGEN"
WIJZER = "WIJZER"

SESSIE = "SESSIE"

# Sort key prefixes, for the queries of one kind of item in a partition.
TOESTEMMINGEN = "TOESTEMMING#"
GEGEVENS = "GEGEVENS#"
BEOORDELINGEN = "BEOORDELING#"
MELDINGEN = "MELDING#"
BESLISVERSLAGEN = "BESLISVERSLAG#"
ABONNEMENTEN = "ABONNEMENT#"
AFLEVERINGEN = "AFLEVERING#"
VERSIES = "VERSIE#"
DELEN = "DEEL#"


def sessie(sleutel: str) -> str:
    return f"SESSIE#{sleutel}"


def burger(pseudoniem: str) -> str:
    return f"BURGER#{pseudoniem}"


def toestemming(bron: Bron, versie: int) -> str:
    return f"{TOESTEMMINGEN}{bron.value}#{versie:06d}"


def gegevens(bron: Bron) -> str:
    return f"{GEGEVENS}{bron.value}"


def beoordeling(beoordeling_id: str) -> str:
    return f"{BEOORDELINGEN}{beoordeling_id}"


def periode(regeling: str) -> str:
    return f"PERIODE#{regeling}"


def melding(melding_id: str) -> str:
    return f"{MELDINGEN}{melding_id}"


def aanvraag(aanvraag_id: str) -> str:
    return f"AANVRAAG#{aanvraag_id}"


def beslisverslag(op: datetime) -> str:
    return f"{BESLISVERSLAGEN}{op.isoformat()}"


def machtiging(machtiging_id: str) -> str:
    return f"{MACHTIGING}#{machtiging_id}"


def volmachtgever(pseudoniem: str) -> str:
    """GSI1: the machtigingen a resident gave (not BURGER#: that holds their aanvragen)."""
    return f"VOLMACHTGEVER#{pseudoniem}"


def gemachtigde(wie: str) -> str:
    """GSI2: the machtigingen an organisation or person holds (not GEMEENTE#)."""
    return f"GEMACHTIGDE#{wie}"


def gebeurtenis(gebeurtenis_id: str) -> str:
    return f"GEBEURTENIS#{gebeurtenis_id}"


def gemeente(gemeentecode: str) -> str:
    return f"GEMEENTE#{gemeentecode}"


def abonnement(abonnement_id: str) -> str:
    """The subscription's sort key under its gemeente, and its delivery log's partition."""
    return f"{ABONNEMENTEN}{abonnement_id}"


def aflevering(tijd: datetime, gebeurtenis_id: str) -> str:
    return f"{AFLEVERINGEN}{tijd.isoformat()}#{gebeurtenis_id}"


def betrokkene(pseudoniem: str) -> str:
    return f"BETROKKENE#{pseudoniem}"


def gesorteerd(moment: datetime, item_id: str) -> str:
    """A GSI sort key (and the audit table's): newest or oldest first, then by id."""
    return f"{moment.isoformat()}#{item_id}"


def regeling(regeling_id: str, gemeentecode: str) -> str:
    """The partition of one gemeente's versions of one regeling's parameters."""
    return f"REGELING#{regeling_id}#{gemeentecode}"


def versie(nummer: int) -> str:
    return f"{VERSIES}{nummer:06d}"


def beoordeeld(gemeentecode: str) -> str:
    """GSI2: the beoordelingen of the residents of a gemeente (not GEMEENTE#: its aanvragen)."""
    return f"BEOORDEELD#{gemeentecode}"


def per_inwoner(pseudoniem: str, moment: datetime, beoordeling_id: str) -> str:
    """GSI2's sort key of a beoordeling: a resident's together, oldest first."""
    return f"{pseudoniem}#{moment.isoformat()}#{beoordeling_id}"


def momentopname_van(nummer: int) -> str:
    """The pointer to the frozen population of version `nummer`, beside the version."""
    return f"MOMENTOPNAME#{nummer:06d}"


def momentopname(momentopname_id: str) -> str:
    return f"MOMENTOPNAME#{momentopname_id}"


def deel(nummer: int) -> str:
    return f"{DELEN}{nummer:06d}"


def impactrapport(nummer: int, rapport_id: str) -> str:
    return f"IMPACT#{nummer:06d}#{rapport_id}"


def impactdelen(nummer: int, rapport_id: str) -> str:
    return f"IMPACTDEEL#{nummer:06d}#{rapport_id}#"


def impactdeel(nummer: int, rapport_id: str, groep: int) -> str:
    return f"{impactdelen(nummer, rapport_id)}{groep:04d}"
