"""`make build`: every function and layer of template.yaml into build/, for Lambda, without Docker.

Lambda runs python3.13 on arm64 (Globals in template.yaml). pip fetches the layer's dependencies
as manylinux aarch64 wheels for CPython 3.13 (`--only-binary=:all:`: nothing is compiled here),
so the machine that builds needs neither Docker nor that interpreter, only the package index.
With that interpreter (`--python`, default python3.13) every artefact also gets its bytecode, as
Lambda cannot write it: without it each cold start compiles every module it imports, about three
times the start (docs/decisions.md, "Bytecode in the layer"). Each artefact's unzipped size is
printed; the build fails when the total exceeds the budget (docs/standards.md 5e: small packages;
Lambda's hard limit is 250 MB per function with its layers).

    build/VilLayer/python/...     requirements.txt installed, plus the `vil` package
    build/RulesLayer/rules/...    as rules/Makefile lays it out for `sam build`
    build/<Function>/...          functions/<name>/ as is
"""

import argparse
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from vil_local.template import ROOT, resources

FUNCTION, LAYER = "AWS::Serverless::Function", "AWS::Serverless::LayerVersion"
BUDGET = 75 * 1024 * 1024
# Lambda's python3.13 runs on Amazon Linux 2023 (glibc 2.34): manylinux_2_28 wheels fit, and
# zen-engine publishes no other aarch64 wheel.
TARGET_PLATFORM = (
    "--platform", "manylinux2014_aarch64",
    "--platform", "manylinux_2_28_aarch64",
    "--python-version", "3.13",
    "--implementation", "cp",
    "--only-binary=:all:",
)  # fmt: skip
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc")
STDNUM_DATA = {"iban.dat"}
STDNUM_PACKAGES = {"nl", "iso7064"}
TZDATA_ZONES = {"Europe/Amsterdam", "UTC", "Etc/UTC"}
# Lambda's Python runtime ships boto3 with these (botocore needs python-dateutil < 3). A copy in
# the layer would come first on sys.path and could give botocore a version it does not support,
# so the layer uses the runtime's; pip resolves against it (runtime-constraints.txt), or it would
# pick python-dateutil 4 for cloudevents and report botocore's conflict.
FROM_THE_RUNTIME = ("dateutil", "python_dateutil-*.dist-info", "six.py", "six-*.dist-info")
RUNTIME_CONSTRAINTS = Path(__file__).with_name("runtime-constraints.txt")


# Where Lambda mounts each kind of artefact: the paths its bytecode names (tracebacks).
MOUNTED = {"functie": "/var/task", "laag": "/opt"}


def artefacts() -> dict[str, tuple[str, Path]]:
    """{logical id: (kind, source folder)} for every function and layer of the template."""
    return {
        **{name: ("functie", ROOT / p["CodeUri"]) for name, p in resources(FUNCTION).items()},
        **{name: ("laag", ROOT / p["ContentUri"]) for name, p in resources(LAYER).items()},
    }


def vil_layer(source: Path, target: Path) -> None:
    """The layer's requirements as aarch64 wheels, and the `vil` package, under python/."""
    python = target / "python"
    subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        [
            sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
            "--no-compile",  # bytecode of this interpreter would be useless to 3.13
            *TARGET_PLATFORM, "--target", str(python), "-r", str(source / "requirements.txt"),
            "--constraint", str(RUNTIME_CONSTRAINTS),
        ],
        check=True,
    )  # fmt: skip
    shutil.copytree(source / "vil", python / "vil", ignore=SKIP)
    # python-stdnum ships every country and standard (MAC vendors, ISBN ranges, ...). VIL checks
    # BSNs and IBANs: keep stdnum.nl, the mod 97 check and iban.dat. An IBAN of another country
    # is then checked by length and checksum without its country's extra BBAN rule.
    stdnum = python / "stdnum"
    for data in stdnum.glob("*.dat"):
        if data.name not in STDNUM_DATA:
            data.unlink()
    for package in stdnum.iterdir():
        if package.is_dir() and package.name not in STDNUM_PACKAGES:
            shutil.rmtree(package)
    for pattern in FROM_THE_RUNTIME:
        for path in python.glob(pattern):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    # tzdata: VIL's clock is Europe/Amsterdam (and UTC); the other zones are dead weight.
    zoneinfo = python / "tzdata" / "zoneinfo"
    for zone in zoneinfo.rglob("*"):
        name = zone.relative_to(zoneinfo).as_posix()
        if zone.is_file() and zone.name != "__init__.py" and name not in TZDATA_ZONES:
            zone.unlink()


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


BUILDERS: dict[str, Callable[[Path, Path], None]] = {
    "VilLayer": vil_layer,
    "RulesLayer": rules_layer,
}


def lambda_python(command: str) -> str | None:
    """The interpreter that compiles the bytecode, if `command` runs and is Lambda's 3.13."""
    try:
        version = subprocess.run(  # noqa: S603 (the builder's own choice of interpreter)
            [command, "-c", "import sys; print(*sys.version_info[:2])"],
            capture_output=True, text=True, check=True,
        ).stdout.split()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return None
    return command if version == ["3", "13"] else None


def compile_bytecode(python: str, folder: Path, mounted: str) -> None:
    """Every module's bytecode beside it, valid whatever the files' times (a zip's are not
    kept exactly), naming the paths where Lambda mounts the folder."""
    subprocess.run(  # noqa: S603 (an interpreter checked by lambda_python, fixed arguments)
        [
            python, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash",
            "-s", str(folder), "-p", mounted, str(folder),
        ],
        check=True,
    )  # fmt: skip


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
    python = lambda_python(arguments.python)
    if python is None:
        print(
            f"Zonder bytecode: {arguments.python} is geen Python 3.13 (make build"
            " LAMBDA_PYTHON=...). Lambda compileert dan elke module bij elke koude start."
        )
    shutil.rmtree(out, ignore_errors=True)
    sizes: dict[str, tuple[str, int]] = {}
    for name, (kind, source) in artefacts().items():
        builder = BUILDERS.get(name, function)
        try:
            builder(source, out / name)
        except subprocess.CalledProcessError as error:
            print(f"{name}: pip failed (exit {error.returncode}); it needs the package index.")
            return 1
        if python is not None:
            compile_bytecode(python, out / name, MOUNTED[kind])
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
