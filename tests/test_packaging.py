"""The wheel carries the rules, data and schemas from the top of the repository, and they load.

The repository keeps ``rules/``, ``data/`` and ``schema/`` beside ``src/``; an editable install
reads them there (every other test does), and a wheel must carry them inside the package. This
builds a wheel from a copy of the sources, installs it in a fresh virtual environment (its
dependencies come from this environment's site-packages) and checks an example with it, from
a folder outside the repository.
"""

from __future__ import annotations

import json
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for name in ("src", "rules", "data", "schema"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(out), str(src)], check=True, capture_output=True)
    (found,) = out.glob("icprules-*.whl")
    return found


def test_the_wheel_carries_every_rule_pack_data_file_and_schema(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, pattern in (("rules", "*.yaml"), ("data", "*.yaml"), ("schema", "*.json")):
        for path in (ROOT / folder).glob(pattern):
            assert f"icprules/shipped/{folder}/{path.name}" in names, path


def test_the_installed_wheel_checks_an_example(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    python = venv / "bin" / "python"
    # The dependencies come from the interpreter running the tests; when that is itself a virtual
    # environment, --system-site-packages reaches only its base, so its site-packages are added too.
    lib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                         check=True, capture_output=True, text=True).stdout.strip()
    Path(lib, "tests-parent.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall", str(wheel)],
                   check=True, capture_output=True)
    script = (
        "import json, icprules, icprules.resources as r\n"
        f"report = icprules.check({str(ROOT / 'examples' / 'website-application.yaml')!r}, today='2026-11-23')\n"
        "print(json.dumps({'file': icprules.__file__, 'rules': str(r.shipped('rules')), 'ok': report.ok,"
        " 'n': len(icprules.default_rules().rules)}))\n"
    )
    out = subprocess.run([str(python), "-c", script], cwd=tmp_path, check=True, capture_output=True, text=True)
    result = json.loads(out.stdout)
    assert result["file"].startswith(str(venv)), "the wheel, not the editable install, was imported"
    assert result["rules"].startswith(str(venv))
    assert result["ok"] is True and result["n"] > 100


def test_every_subpackage_is_listed_for_the_wheel() -> None:
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT / "src").parts) for p in (ROOT / "src").rglob("__init__.py")}
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"
