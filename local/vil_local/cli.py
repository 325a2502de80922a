"""`vil local ...`: the local stack's commands; `vil local token` needs no running stack."""

import argparse
import re
import sys
from collections.abc import Sequence

from stdnum.nl import bsn

from vil_local import tokens


def token(args: argparse.Namespace) -> int:
    """Print only the JWT, so that `$(vil local token ...)` can go straight into a header."""
    if args.bsn is not None:
        if args.rol is not None:
            print("vil local token: --rol hoort bij --gemeente", file=sys.stderr)
            return 2
        print(tokens.burger_token(args.bsn))
    else:
        print(tokens.gemeente_token(args.gemeente, args.rol or "gemeente"))
    return 0


def _bsn(value: str) -> str:
    if not bsn.is_valid(value):
        raise argparse.ArgumentTypeError("geen geldig BSN (elfproef)")
    return bsn.compact(value)


def _gemeentecode(value: str) -> str:
    if not re.fullmatch(r"[0-9]{4}", value):
        raise argparse.ArgumentTypeError("een gemeentecode is 4 cijfers, bijvoorbeeld 0344")
    return value


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="vil local", description=__doc__)
    commands = root.add_subparsers(required=True, metavar="COMMAND")

    command = commands.add_parser("token", help="a token signed by the local dev issuer")
    wie = command.add_mutually_exclusive_group(required=True)
    wie.add_argument("--bsn", type=_bsn, help="a citizen (DigiD, substantial) with this BSN")
    wie.add_argument("--gemeente", type=_gemeentecode, metavar="CODE", help="a gemeente's system")
    command.add_argument("--rol", choices=["gemeente", "beheerder"], help="with --gemeente")
    command.set_defaults(run=token)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    """`vil local <argv>`; argparse exits 2 on invalid arguments (an invalid BSN too)."""
    args = parser().parse_args(argv)
    return int(args.run(args))
