"""The vil layer for Lambda (python3.13 on arm64): `sam build` runs this (layers/vil/Makefile),
and so does `make build` (local/vil_local/build.py).

    python build_layer.py SOURCE TARGET

pip fetches SOURCE/requirements.txt as manylinux aarch64 wheels for CPython 3.13
(`--only-binary=:all:`: nothing is built from source) into TARGET/python, beside the `vil`
package; what VIL does not use is left out. Run by a Python 3.13, it then compiles every
module's bytecode: Lambda cannot write it, and a layer without it compiles every module it
imports at each cold start (docs/decisions.md, "Bytecode in the layer"). Standard library only.
"""

import platform
import shutil
import subprocess
import sys
from pathlib import Path

LAMBDA = (3, 13)
MOUNTED = "/opt"  # where Lambda mounts a layer: the paths its bytecode names (tracebacks)
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


def build(source: Path, target: Path) -> None:
    """The layer's requirements as aarch64 wheels, and the `vil` package, under python/."""
    python = target / "python"
    subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
        [
            sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
            "--no-compile",  # compiled below, by Lambda's Python only
            *TARGET_PLATFORM, "--target", str(python), "-r", str(source / "requirements.txt"),
            "--constraint", str(source / "runtime-constraints.txt"),
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


def compile_bytecode(folder: Path) -> None:
    """Every module's bytecode beside it, by this interpreter: valid whatever the files' times
    (a zip does not keep them exactly, and nothing changes them where Lambda mounts it), naming
    the paths where Lambda mounts the folder."""
    subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
        [
            sys.executable, "-m", "compileall", "-q", "-j", "0",
            "--invalidation-mode", "unchecked-hash", "-s", str(folder), "-p", MOUNTED, str(folder),
        ],
        check=True,
    )  # fmt: skip


def main(argv: list[str]) -> int:
    source, target = map(Path, argv)
    build(source, target)
    if sys.version_info[:2] == LAMBDA:
        compile_bytecode(target)
    else:
        print(
            f"VilLayer zonder bytecode: dit is Python {platform.python_version()}, niet Lambda's"
            " 3.13. Lambda compileert dan elke module bij elke koude start."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
