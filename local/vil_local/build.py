"""`make build`: every function and layer of template.yaml into build/, for Lambda, without Docker.

Lambda runs python3.13 on arm64 (Globals in template.yaml). The vil layer is built as `sam build`
builds it (layers/vil/build_layer.py): pip fetches its dependencies as manylinux aarch64 wheels
for CPython 3.13, so the machine that builds needs neither Docker nor that interpreter, only the
package index; with that interpreter (`--python`, default python3.13) the layer also gets its
bytecode. Each artefact's unzipped size is printed; the build fails when the total exceeds the
budget (docs/standards.md 5e: small packages; Lambda's hard limit is 250 MB per function with
its layers).

    build/VilLayer/python/...     requirements.txt installed, plus the `vil` package
    build/RulesLayer/rules/...    as rules/Makefile lays it out for `sam build`
    build/<Function>/...          functions/<name>/ as is
"""

import argparse
import shutil
import subprocess
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

from vil_local.template import ROOT, resources

FUNCTION, LAYER = "AWS::Serverless::Function", "AWS::Serverless::LayerVersion"
BUDGET = 75 * 1024 * 1024
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc")


def artefacts() -> dict[str, tuple[str, Path]]:
    """{logical id: (kind, source folder)} for every function and layer of the template."""
    return {
        **{name: ("functie", ROOT / p["CodeUri"]) for name, p in resources(FUNCTION).items()},
        **{name: ("laag", ROOT / p["ContentUri"]) for name, p in resources(LAYER).items()},
    }


def lambda_python(command: str) -> str | None:
    """`command` if it runs and is Lambda's Python 3.13."""
    try:
        version = subprocess.run(  # noqa: S603 (the builder's own choice of interpreter)
            [command, "-c", "import sys; print(*sys.version_info[:2])"],
            capture_output=True, text=True, check=True,
        ).stdout.split()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return None
    return command if version == ["3", "13"] else None


def vil_layer(python: str, source: Path, target: Path) -> None:
    """layers/vil/build_layer.py, run by `python` (Lambda's, or else this one: no bytecode)."""
    subprocess.run(  # noqa: S603 (a checked interpreter, our own script)
        [python, str(source / "build_layer.py"), str(source), str(target)], check=True
    )


def rules_layer(source: Path, target: Path) -> None:
    """What rules/Makefile's build-RulesLayer copies: mounted at /opt/rules."""
    rules = target / "rules"
    rules.mkdir(parents=True)
    for path in sorted(source.glob("*.yaml")):
        shutil.copy2(path, rules / path.name)
    for folder in ("parameters", "schema"):
        shutil.copytree(source / folder, rules / folder, ignore=SKIP)


def function(source: Path, target: Path) -> None:
    shutil.copytree(source, target, ignore=SKIP)


def size(path: Path) -> int:
    """Unzipped bytes under a folder."""
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file())


def megabytes(count: int) -> str:
    return f"{count / 1024 / 1024:6.1f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make build", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build", help="output folder")
    parser.add_argument("--python", default="python3.13", help="Lambda's Python, for bytecode")
    arguments = parser.parse_args(argv)
    out: Path = arguments.out
    shutil.rmtree(out, ignore_errors=True)
    python = lambda_python(arguments.python) or sys.executable
    builders: dict[str, Callable[[Path, Path], None]] = {
        "VilLayer": partial(vil_layer, python),
        "RulesLayer": rules_layer,
    }
    sizes: dict[str, tuple[str, int]] = {}
    for name, (kind, source) in artefacts().items():
        builder = builders.get(name, function)
        try:
            builder(source, out / name)
        except subprocess.CalledProcessError as error:
            print(f"{name}: pip failed (exit {error.returncode}); it needs the package index.")
            return 1
        sizes[name] = (kind, size(out / name))
    width = max(len(name) for name in sizes)
    for name, (kind, count) in sizes.items():
        print(f"{name:<{width}}  {kind:<7} {megabytes(count)}")
    total = sum(count for _, count in sizes.values())
    print(f"{'totaal':<{width}}  {'':<7} {megabytes(total)}  (budget {megabytes(BUDGET).strip()})")
    if total > BUDGET:
        print(f"Te groot: {megabytes(total).strip()} is meer dan {megabytes(BUDGET).strip()}.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
