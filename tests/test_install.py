"""Installs where users are: the packages, the Python versions, the dependencies' wheels."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# Pure-Python dependencies published as a source archive only: pip cannot resolve them for
# another Python without building them, and they run on any Python 3.
SOURCE_ONLY = {"odfpy"}
UNREACHABLE = ("NewConnectionError", "Temporary failure in name resolution",
               "Network is unreachable", "Max retries exceeded", "ProxyError",
               "Connection refused", "timed out")


def test_every_package_of_the_source_is_installed():
    """A package missing from `[tool.setuptools] packages` works in a checkout and is absent
    from a user's install."""
    listed = set(PROJECT["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT / "src").parts)
             for p in (ROOT / "src" / "corpus").rglob("__init__.py")}
    found |= {"flows"}
    assert found <= listed, f"paquets absents de pyproject.toml : {sorted(found - listed)}"


@pytest.mark.parametrize("version", ["3.11", "3.12", "3.13"])
def test_requires_python_accepts_the_current_versions(version):
    assert version in SpecifierSet(PROJECT["project"]["requires-python"])


def test_the_cpu_build_of_torch_satisfies_the_pin():
    """`pip install torch --index-url .../whl/cpu` installs `2.13.0+cpu`, which the pin must
    accept, or pip would replace it by the multi-GB CUDA build."""
    torch = next(Requirement(d) for d in PROJECT["project"]["dependencies"]
                 if d.startswith("torch"))
    assert torch.specifier.contains("2.13.0+cpu") and torch.specifier.contains("2.13.0")


@pytest.mark.slow
@pytest.mark.parametrize("version", ["3.12", "3.13"])
def test_the_dependencies_resolve_for(version, tmp_path):
    """Every dependency has wheels for `version` (this platform) that resolve together: a dry-run
    against the package registry (the first run fetches torch's wheel, about 0.5 GB; pip keeps
    it in its cache)."""
    wanted = [d for d in PROJECT["project"]["dependencies"]
              if Requirement(d).name not in SOURCE_ONLY]
    report = tmp_path / "report.json"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
         "--python-version", version, "--only-binary=:all:",
         "--target", str(tmp_path / "target"), "--report", str(report), *wanted],
        capture_output=True, text=True, timeout=3000,
    )
    if done.returncode != 0 and any(w in done.stderr for w in UNREACHABLE):
        pytest.skip(f"registre de paquets injoignable : {done.stderr.strip()[-300:]}")
    assert done.returncode == 0, done.stderr[-3000:]
    chosen = {i["metadata"]["name"].lower(): i["metadata"]["version"]
              for i in json.loads(report.read_text(encoding="utf-8"))["install"]}
    tag = "cp" + version.replace(".", "")
    assert chosen["torch"] == "2.13.0"
    assert any(re.search(rf"-{tag}-", i["download_info"]["url"])
               for i in json.loads(report.read_text(encoding="utf-8"))["install"]
               if i["metadata"]["name"].lower() == "torch")
