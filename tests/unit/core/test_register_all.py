"""``register_all`` puts every table on each side's metadata: what importing the whole side would register."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

#: Prints the tables a fresh interpreter's metadata knows after ``register`` (and, with ``everything``, after
#: importing every module of the side).
SCRIPT = textwrap.dedent("""
    import importlib, json, pkgutil, sys
    side, everything = sys.argv[1], sys.argv[2] == "1"
    if side == "council":
        from council.database import Base, register_all
        root, skip = "council", "council.platform"
    else:
        from council.platform.database import Base
        from council.platform.models import register_all
        root, skip = "council.platform", None
    if everything:
        package = importlib.import_module(root)
        for module in pkgutil.walk_packages(package.__path__, f"{root}.", onerror=lambda name: None):
            if skip is None or not (module.name == skip or module.name.startswith(skip + ".")):
                importlib.import_module(module.name)
    else:
        register_all()
    print(json.dumps(sorted(Base.metadata.tables)))
""")


def _tables(side: str, everything: bool) -> list[str]:
    result = subprocess.run([sys.executable, "-c", SCRIPT, side, "1" if everything else "0"], capture_output=True,
                            text=True, check=True, timeout=120)
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("side", ["council", "platform"])
def test_register_all_knows_every_table_of_its_side(side):
    """A model written outside a module named ``models`` would be missing from migrations: this fails then."""
    registered = _tables(side, everything=False)
    assert registered == _tables(side, everything=True)
    assert {"council": "case_file", "platform": "place"}[side] in registered


def test_the_council_side_imports_nothing_of_the_platform():
    code = "import sys; from council.database import register_all; register_all(); " \
           "print([name for name in sys.modules if name.startswith('council.platform')])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert result.stdout.strip() == "[]"
