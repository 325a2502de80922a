"""`vil local ...`: the local stack's commands; `vil local token` needs no running stack."""

import argparse
import json
import os
import re
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import httpx
from stdnum.nl import bsn

from vil.klok import AMSTERDAM
from vil_local import tokens
from vil_local.klok import duur, moment
from vil_local.template import powertools_environment


def quiet() -> None:
    """Only the functions' warnings and errors, and no metrics (one EMF line per event): a
    person reads what the stack prints itself. Before any function module is imported (their
    loggers read it then); an explicit POWERTOOLS_LOG_LEVEL=INFO or
    POWERTOOLS_METRICS_DISABLED=false wins. The template's Powertools variables (service name,
    metrics namespace) too."""
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    for name, value in powertools_environment().items():
        os.environ.setdefault(name, value)


def token(args: argparse.Namespace) -> int:
    """Print only the JWT, so that `$(vil local token ...)` can go straight into a header."""
    fout = _token_fout(args)
    if fout:
        print(f"vil local token: {fout}", file=sys.stderr)
        return 2
    if args.bsn is not None and args.namens is not None:
        print(tokens.machtigen_token(args.bsn, args.namens))
    elif args.bsn is not None:
        print(tokens.burger_token(args.bsn))
    elif args.hulpverlener is not None:
        print(tokens.hulpverlener_token(args.hulpverlener, kvk=args.kvk, oin=args.oin))
    else:
        print(tokens.gemeente_token(args.gemeente, args.rol or "gemeente", args.medewerker))
    return 0


def _token_fout(args: argparse.Namespace) -> str | None:
    """Which options do not go together, if any."""
    regels = [
        (args.rol is not None and args.gemeente is None, "--rol hoort bij --gemeente"),
        (
            args.medewerker is not None and args.rol != "beheerder",
            "--medewerker hoort bij --rol beheerder",
        ),
        (args.namens is not None and args.bsn is None, "--namens hoort bij --bsn"),
        (args.namens is not None and args.namens == args.bsn, "--namens is een ander dan --bsn"),
        (
            bool(args.kvk or args.oin) and args.hulpverlener is None,
            "--kvk en --oin horen bij --hulpverlener",
        ),
        (
            args.hulpverlener is not None and (args.kvk is None) == (args.oin is None),
            "--hulpverlener met precies één van --kvk en --oin",
        ),
    ]
    return next((fout for geldt, fout in regels if geldt), None)


def serve(args: argparse.Namespace) -> int:
    """Start everything on loopback; print `ready` and the URL when requests are accepted."""
    quiet()
    from vil_local.lokaal import LokaleStack
    from vil_local.overheid import ORGANISATIES, PERSONEN

    with LokaleStack(args.port, achtergrond=True, stil=False, nu=args.nu) as stack:
        print(f"ready {stack.url}/v1", flush=True)
        nu = stack.klok.nu().astimezone(AMSTERDAM)
        print(f"\nDe klok van de lokale stack staat op {nu:%Y-%m-%d %H:%M} (Nederlandse tijd)"
              " en loopt vanaf daar; `vil local advance` zet hem vooruit.")  # fmt: skip
        print(f"\nOpenAPI: {stack.url}/v1/openapi.json   Swagger UI: {stack.url}/v1/docs")
        print(f"Het loket (webpagina's, DigiD simulatie): {stack.url}/loket/"
              f"   Beheer: {stack.url}/beheer/")  # fmt: skip
        gemeenten = ", ".join(sorted(stack.ontvanger.geheimen))
        print(f"Ontvanger (speelt de gemeenten {gemeenten}, controleert elke handtekening):"
              f" {stack.ontvanger.url('<code>')}")  # fmt: skip
        print("\nTestpersonen (BSN, situatie):")
        for nummer, persoon in PERSONEN.items():
            print(f"  {nummer}  {persoon.situatie}")
        print("\nOrganisaties (KvK-nummer; een token noemt ze, VIL kent ze niet):")
        for kvk, naam in ORGANISATIES.items():
            print(f"  {kvk}  {naam}")
        print(REQUESTS.replace("URL", stack.url), flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("gestopt")
    return 0


REQUESTS = """
Probeer (in een andere terminal):
  TOKEN=$(.venv/bin/vil local token --bsn 999993653)
  curl -s -X PUT URL/v1/toestemmingen/brp -H "Authorization: Bearer $TOKEN" \\
       -H 'Content-Type: application/json' -d '{"doelen": ["aanvragen"]}'
  curl -s URL/v1/gegevens -H "Authorization: Bearer $TOKEN"
  curl -s -X POST URL/v1/beoordelingen -H "Authorization: Bearer $TOKEN" \\
       -H 'Content-Type: application/json' -d '{}'
  .venv/bin/vil demo --url URL      # het hele verhaal in één keer

Namens iemand handelen (docs/machtigingen.md): het wijkteam heeft KvK-nummer 90000017.
  HULP=$(.venv/bin/vil local token --hulpverlener mw-1 --kvk 90000017)
  curl -s -X POST URL/v1/machtigingen -H "Authorization: Bearer $TOKEN" \
       -H 'Content-Type: application/json' -d '{"organisatie": {"kvk": "90000017"},
       "rechten": ["inzien", "aanvragen"], "geldigVanaf": "2026-01-01", "geldigTot": "2026-12-31"}'
  curl -s URL/v1/clienten -H "Authorization: Bearer $HULP"
  curl -s URL/v1/aanvragen -H "Authorization: Bearer $HULP" -H "X-Namens: <id van de machtiging>"
  GEMACHTIGDE=$(.venv/bin/vil local token --bsn 999990408 --namens 999993653)   # DigiD Machtigen
Bewind (het register; 999990123 staat onder bewind van het kantoor met KvK-nummer 90000029):
  BEWIND=$(.venv/bin/vil local token --hulpverlener bw-1 --kvk 90000029)
  curl -s URL/v1/toestemmingen -H "Authorization: Bearer $BEWIND" -H "X-Namens: ccbr-202500017"
"""


def advance(args: argparse.Namespace) -> int:
    """Move the running stack's domain clock; returns when everything due has run."""
    antwoord = _lokaal(args.port, "/_local/klok", {"duur": args.duur})
    print(f"De klok van de lokale stack staat op {antwoord['nu']}.")
    return 0


def klok(args: argparse.Namespace) -> int:
    """Put the running stack's domain clock at a moment; schedules due in between do not fire."""
    antwoord = _lokaal(args.port, "/_local/klok", {"nu": args.moment.isoformat()})
    print(f"De klok van de lokale stack staat op {antwoord['nu']}.")
    return 0


def kopie(args: argparse.Namespace) -> int:
    """Print only the new BSN, so that `$(vil local kopie 999993653)` can go into a variable."""
    print(_lokaal(args.port, "/_local/overheid", {"zoals": args.zoals})["bsn"])
    return 0


def zet(args: argparse.Namespace) -> int:
    """Change facts of a test person at the fake government: PATH=VALUE (VALUE as JSON, or
    else as text), e.g. `nettoInkomen=2400` or `zorgverzekerd=false`."""
    for toewijzing in args.toewijzingen:
        pad, _, tekst = toewijzing.partition("=")
        try:
            waarde: Any = json.loads(tekst)
        except json.JSONDecodeError:
            waarde = tekst
        _lokaal(args.port, f"/_local/overheid/{args.bsn}", {"pad": pad, "waarde": waarde})
        print(f"{args.bsn}: {pad} = {json.dumps(waarde)}")
    return 0


def _lokaal(port: int, pad: str, body: dict[str, Any]) -> dict[str, Any]:
    try:
        antwoord = httpx.post(f"http://127.0.0.1:{port}{pad}", json=body, timeout=600)
    except httpx.ConnectError:
        raise SystemExit(
            f"vil local: geen lokale stack op poort {port}; start die met `make run`."
        ) from None
    if antwoord.is_error:
        raise SystemExit(f"vil local: {antwoord.json().get('detail', antwoord.text)}")
    result: dict[str, Any] = antwoord.json()
    return result


def _toewijzing(value: str) -> str:
    if not re.fullmatch(r"[a-zA-Z]+=.*", value):
        raise argparse.ArgumentTypeError("schrijf PAD=WAARDE, bijvoorbeeld nettoInkomen=2400")
    return value


def _duur(value: str) -> str:
    try:
        duur(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return value


def bench(args: argparse.Namespace) -> int:
    quiet()
    from vil_local.bench import main

    return main()


def _moment(value: str) -> datetime:
    try:
        return moment(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _bsn(value: str) -> str:
    if not bsn.is_valid(value):
        raise argparse.ArgumentTypeError("geen geldig BSN (elfproef)")
    return bsn.compact(value)


def _gemeentecode(value: str) -> str:
    if not re.fullmatch(r"[0-9]{4}", value):
        raise argparse.ArgumentTypeError("een gemeentecode is 4 cijfers, bijvoorbeeld 0344")
    return value


def _medewerker(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9._:@-]{1,64}", value):
        raise argparse.ArgumentTypeError("letters, cijfers en ._:@- (hoogstens 64)")
    return value


def _patroon(patroon: str, naam: str) -> Callable[[str], str]:
    def controle(value: str) -> str:
        if not re.fullmatch(patroon, value):
            raise argparse.ArgumentTypeError(f"geen geldig {naam}")
        return value

    return controle


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="vil local", description=__doc__)
    root.add_argument("--port", type=int, default=3000, help="port on 127.0.0.1 (default 3000)")
    root.add_argument(
        "--nu",
        type=_moment,
        metavar="MOMENT",
        help="start the domain clock at this moment, e.g. 2026-06-15T09:00 (Dutch time;"
        " default: now); it runs on from there",
    )
    root.set_defaults(run=serve)
    commands = root.add_subparsers(required=False, metavar="COMMAND")

    command = commands.add_parser("token", help="a token signed by the local dev issuer")
    wie = command.add_mutually_exclusive_group(required=True)
    wie.add_argument("--bsn", type=_bsn, help="a citizen (DigiD, substantial) with this BSN")
    wie.add_argument("--gemeente", type=_gemeentecode, metavar="CODE", help="a gemeente's system")
    wie.add_argument(
        "--hulpverlener", type=_medewerker, metavar="MEDEWERKER",
        help="an organisation's employee (eHerkenning); with --kvk or --oin",
    )  # fmt: skip
    command.add_argument("--rol", choices=["gemeente", "beheerder"], help="with --gemeente")
    command.add_argument(
        "--namens", type=_bsn, metavar="BSN",
        help="with --bsn: a DigiD Machtigen token, --bsn acting for this resident",
    )  # fmt: skip
    command.add_argument("--kvk", type=_patroon(r"[0-9]{8}", "KvK-nummer"), help="8 digits")
    command.add_argument("--oin", type=_patroon(r"[0-9]{20}", "OIN"), help="20 digits")
    command.add_argument(
        "--medewerker",
        metavar="ID",
        help="with --rol beheerder: which beheerder (default beheerder-1; another one approves)",
    )
    command.set_defaults(run=token)

    # --port before or after the command: SUPPRESS keeps the root's value when it is not given.
    poort = argparse.ArgumentParser(add_help=False)
    poort.add_argument(
        "--port", type=int, default=argparse.SUPPRESS, help="the running stack's port (3000)"
    )

    command = commands.add_parser(
        "advance", parents=[poort], help="move the domain clock of a running stack forward"
    )
    command.add_argument("duur", type=_duur, metavar="DURATION", help="90m, 2h or 31d")
    command.set_defaults(run=advance)

    command = commands.add_parser(
        "klok", parents=[poort], help="put the domain clock of a running stack at a moment"
    )
    command.add_argument(
        "moment", type=_moment, metavar="MOMENT", help="e.g. 2026-06-15T09:00 (Dutch time)"
    )
    command.set_defaults(run=klok)

    command = commands.add_parser(
        "kopie", parents=[poort], help="a new BSN the fake government knows as a test person"
    )
    command.add_argument("zoals", type=_bsn, metavar="BSN", help="a single test person")
    command.set_defaults(run=kopie)

    command = commands.add_parser(
        "set", parents=[poort], help="change facts of a test person at the fake government"
    )
    command.add_argument("--bsn", type=_bsn, required=True)
    command.add_argument("toewijzingen", type=_toewijzing, nargs="+", metavar="PATH=VALUE")
    command.set_defaults(run=zet)

    command = commands.add_parser("bench", help="import times, latency and throughput locally")
    command.set_defaults(run=bench)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    """`vil local <argv>`; argparse exits 2 on invalid arguments (an invalid BSN too)."""
    args = parser().parse_args(argv)
    return int(args.run(args))
