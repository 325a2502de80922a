"""The layer's bytecode (layers/vil/build_layer.py, which `sam build` and `make build` run):
compiled by Lambda's Python only, valid whatever the files' times, naming the paths where
Lambda mounts them. The build itself needs the package index and is not run here."""

import marshal
import runpy
import sys
from importlib.util import MAGIC_NUMBER, cache_from_source
from pathlib import Path

from tests.conftest import ROOT
from vil_local.build import lambda_python

build_layer = runpy.run_path(str(ROOT / "layers/vil/build_layer.py"))


def test_make_build_takes_only_a_python_3_13_for_the_layer(tmp_path: Path) -> None:
    assert lambda_python(str(tmp_path / "python3.13")) is None  # not there
    assert lambda_python("false") is None  # runs, but fails
    lambda_3_13 = sys.version_info[:2] == build_layer["LAMBDA"]
    assert (lambda_python(sys.executable) == sys.executable) is lambda_3_13


def test_bytecode_is_unchecked_and_names_the_mounted_path(tmp_path: Path) -> None:
    source = tmp_path / "python" / "module.py"
    source.parent.mkdir()
    source.write_text("ANSWER = 42\n")
    build_layer["compile_bytecode"](tmp_path)
    data = Path(cache_from_source(str(source))).read_bytes()
    assert data[:4] == MAGIC_NUMBER
    assert int.from_bytes(data[4:8], "little") == 0b01  # a hash, not checked against the source
    code = marshal.loads(data[16:])  # noqa: S302 (bytecode this test just compiled)
    assert code.co_filename == "/opt/python/module.py"
