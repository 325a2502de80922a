"""The `vil` command: evaluate a household, check and test the rules, benchmark the engine."""

import argparse
import json
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from pydantic import ValidationError

from vil import klok
from vil.models.huishouden import Evaluatieverzoek
from vil.models.resultaat import Resultaat
from vil.rules import Catalogus, RegelFout
from vil.rules.tekst import datum, euro
from vil.settings import RulesSettings


def load() -> Catalogus:
    return Catalogus.from_directory(RulesSettings.from_environ().vil_rules_dir)


def evaluate(args: argparse.Namespace) -> int:
    text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    try:
        verzoek = Evaluatieverzoek.model_validate_json(text)
    except ValidationError as error:
        for problem in validation_problems(error):
            print(problem, file=sys.stderr)
        return 2
    evaluatie = load().evaluate(verzoek.huishouden, verzoek.peildatum or klok.vandaag())
    print(evaluatie.model_dump_json(by_alias=True, indent=2))
    return 0


def validation_problems(error: ValidationError) -> list[str]:
    """One line per invalid field, named by its JSON path."""
    problems = []
    for item in error.errors():
        path = ".".join(str(part) for part in item["loc"]) or "invoer"
        problems.append(f"ongeldig: {path}: {item['msg']}")
    return problems


def rules_check(args: argparse.Namespace) -> int:
    catalogus = load()
    for regeling_id in catalogus.ids:
        (versie,) = catalogus.versions(regeling_id)
        regeling = versie.regel.regeling
        print(f"{regeling_id}: {len(regeling.tests)} testgevallen, versie {versie.regel.versie}")
    print(f"{len(catalogus.ids)} regelingen geladen en gecontroleerd.")
    return 0


def rules_test(args: argparse.Namespace) -> int:
    from vil.rules.testgevallen import cases, run

    catalogus = load()
    passed = failed = 0
    for regeling_id, case in cases(catalogus):
        differences = run(catalogus, regeling_id, case)
        if differences:
            failed += 1
            print(f"MISLUKT {regeling_id}: {case.naam}")
            for difference in differences:
                print(f"    {difference}")
        else:
            passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def rules_schema(args: argparse.Namespace) -> int:
    from vil.models.regeling import GedeeldeParameters, Regeling

    model = GedeeldeParameters if args.gedeeld else Regeling
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **model.model_json_schema(by_alias=True),
    }
    print(json.dumps(schema, indent=2, ensure_ascii=False))
    return 0


def voorbeelden(args: argparse.Namespace) -> int:
    """Evaluate the example households and print, per household, a table a person can read."""
    catalogus = load()
    for path in sorted(Path(args.directory).glob("*.json")):
        verzoek = Evaluatieverzoek.model_validate_json(path.read_text(encoding="utf-8"))
        peildatum = verzoek.peildatum or klok.vandaag()
        evaluatie = catalogus.evaluate(verzoek.huishouden, peildatum)
        rows = [("regeling", "recht", "bedrag", "reden")]
        rows += [(r.naam, *summary(r)) for r in evaluatie.resultaten]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        print(f"\n{path.stem} (peildatum {datum(peildatum)})")
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            print("  " + "  ".join([*cells, row[3]]))
    return 0


def summary(result: Resultaat) -> tuple[str, str, str]:
    """Recht, bedrag and the main reason, in words."""
    recht = {True: "ja", False: "nee", None: "onbekend"}[result.recht]
    if result.indicatief and result.recht:
        recht += " (indicatief)"
    if result.bedrag_per_maand is not None:
        bedrag = f"{euro(Decimal(result.bedrag_per_maand), centen=True)} per maand"
    elif result.bedrag_eenmalig is not None:
        bedrag = euro(Decimal(result.bedrag_eenmalig), centen=True)
    else:
        bedrag = "-"
    if result.recht is None:
        reden = "Ontbreekt: " + ", ".join(result.ontbrekende_gegevens)
        reden = reden if result.ontbrekende_gegevens else result.bedrag_uitleg or ""
    elif result.recht is False:
        reden = next(v.uitleg for v in result.voorwaarden if v.voldaan is False)
    elif result.geschat_met_bedragen_van:  # its reason comes first (vil.rules.regel)
        reden = result.indicatief_redenen[0]
    else:
        reden = result.bedrag_uitleg or "U voldoet aan alle voorwaarden."
    return recht, bedrag, reden


def demo(args: argparse.Namespace) -> int:
    from vil_local.demo import run

    return run(args.url)


def local(args: argparse.Namespace) -> int:
    from vil_local.cli import main as local_main

    return local_main(args.argv)


def bench(args: argparse.Namespace) -> int:
    if args.impact:
        from vil.bench_impact import run as impact

        print(json.dumps(impact(args.impact)))
        return 0
    if args.instructions:
        from vil.bench_instructions import Onmeetbaar
        from vil.bench_instructions import run as count

        try:
            print(json.dumps(count(args.n or 1_000)))
        except Onmeetbaar as error:
            print(f"vil bench --instructions: {error}", file=sys.stderr)
            return 2
        return 0
    from vil.bench import run

    households = args.n or 10_000
    summary = run(
        households=households,
        regeling=args.regeling,
        batch_households=households if args.batch else 0,
        parameter=args.parameter,
    )
    print(json.dumps(summary))
    return 0


def positive(text: str) -> int:
    """An argument that counts something: a whole number of at least 1."""
    number = int(text) if text.isdigit() else 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"not a whole number of at least 1: {text!r}")
    return number


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="vil", description=__doc__)
    commands = root.add_subparsers(required=True, metavar="COMMAND")

    command = commands.add_parser("evaluate", help="evaluate every regeling for a household (JSON)")
    command.add_argument("file", help="a JSON file with {peildatum?, huishouden}, or - for stdin")
    command.set_defaults(run=evaluate)

    rules = commands.add_parser("rules", help="the rule files").add_subparsers(
        required=True, metavar="COMMAND"
    )
    rules.add_parser("check", help="load and validate every rule file").set_defaults(
        run=rules_check
    )
    rules.add_parser("test", help="run the YAML test cases").set_defaults(run=rules_test)
    command = rules.add_parser("schema", help="print the JSON Schema of a rule file")
    command.add_argument("--gedeeld", action="store_true", help="of the shared parameters file")
    command.set_defaults(run=rules_schema)

    command = commands.add_parser("bench", help="speed and memory of the engine")
    command.add_argument("--regeling", help="only this regeling")
    command.add_argument(
        "--n",
        type=positive,
        help="number of households (default 10,000; 1,000 with --instructions)",
    )
    command.add_argument(
        "--batch",
        action="store_true",
        help="also households per second for a batch: one core, all cores, one changed parameter",
    )
    command.add_argument(
        "--parameter",
        default="standaardpremie",
        help="the changed parameter of the batch figure (default: standaardpremie)",
    )
    command.add_argument(
        "--impact",
        type=positive,
        nargs="?",
        const=100_000,
        default=0,
        metavar="N",
        help="only the impact of a version on N households (default 100,000), as a worker runs it",
    )
    command.add_argument(
        "--instructions",
        action="store_true",
        help="only the processor instructions per household, counted by callgrind (valgrind)",
    )
    command.set_defaults(run=bench)

    command = commands.add_parser("voorbeelden", help="evaluate the example households")
    command.add_argument("directory", nargs="?", default="docs/voorbeelden")
    command.set_defaults(run=voorbeelden)

    command = commands.add_parser("demo", help="the one-button story against `vil local`")
    command.add_argument("--url", default="http://127.0.0.1:3000", help="the local stack")
    command.set_defaults(run=demo)

    commands.add_parser("local", help="the local stack and dev tokens (`vil local --help`)")
    return root


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["local"]:  # its options are the local stack's own (`vil local --help`)
        from vil_local.cli import main as local_main

        return local_main(argv[1:])
    args = parser().parse_args(argv)
    try:
        return int(args.run(args))
    except RegelFout as error:
        print("De regels laden niet:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"vil: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
