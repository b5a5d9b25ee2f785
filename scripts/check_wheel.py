"""`make check-wheel`: build the sdist and wheel, then prove the wheel works on its own.

Installs the wheel into a fresh virtualenv (outside the repository, so nothing is imported
from the checkout), imports the package, starts the simulator through the installed
`vast-simulator` command and creates an endpoint on it, runs the README's quick start
program (preview, up, destroy) with that virtualenv, and checks that the wheel ships
`py.typed`, the record of Vast as documented (conformance) and no tests.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "pulumi_vast_serverless"

_SMOKE = """
import sys, pulumi_vast_serverless as p
from pulumi_vast_serverless import VastClient
assert "site-packages" in p.__file__, p.__file__
client = VastClient("wheel-check-key", base_url=sys.argv[1])
endpoint_id = client.create_endpoint(endpoint_name="from-the-wheel")
assert [row["id"] for row in client.list_endpoints()] == [endpoint_id]
print(f"imported {p.__version__} from {p.__file__}; the simulator answered")
"""


def run(*args: str | Path, cwd: Path | None = None) -> str:
    """Run a command, echo it, and return its stdout; stop on failure."""
    print("+", " ".join(str(a) for a in args), flush=True)
    done = subprocess.run([str(a) for a in args], cwd=cwd, text=True, capture_output=True)
    if done.returncode != 0:
        sys.exit(f"check-wheel: failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _run_env(env: dict[str, str], *args: str | Path, cwd: Path) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, text=True, capture_output=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"check-wheel: {args} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def check_contents(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/", 1)[0] for name in names}
    expected = {PACKAGE, wheel.name.split("-")[0] + "-" + wheel.name.split("-")[1] + ".dist-info"}
    problems = []
    if f"{PACKAGE}/py.typed" not in names:
        problems.append("no py.typed")
    if f"{PACKAGE}/conformance/documented.jsonl" not in names:
        problems.append("no conformance/documented.jsonl")
    if tops != expected:
        problems.append(f"unexpected top-level entries {sorted(tops - expected)}")
    if any("/tests/" in name or name.startswith("tests/") for name in names):
        problems.append("ships tests")
    if problems:
        sys.exit(f"check-wheel: {wheel.name}: {'; '.join(problems)}")
    print(f"{wheel.name}: {len(names)} files, py.typed and documented.jsonl shipped, no tests")


def readme_quickstart() -> str:
    found = re.search(
        r"<!-- quickstart.py -->\n```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S
    )
    if not found:
        sys.exit("check-wheel: the README lost its quickstart.py block")
    return found.group(1)


def engine_dir() -> str:
    return run(ROOT / "scripts" / "ensure-pulumi").strip().splitlines()[-1]


def smoke_test(venv: Path, work: Path) -> None:
    simulator = subprocess.Popen(
        [str(venv / "bin" / "vast-simulator"), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=work,
    )
    try:
        assert simulator.stdout is not None
        url = simulator.stdout.readline().strip()
        print(run(venv / "bin" / "python", "-c", _SMOKE, url, cwd=work), end="")
        (work / "quickstart.py").write_text(readme_quickstart())
        path = engine_dir() + os.pathsep + os.environ["PATH"]
        env = {**os.environ, "PATH": path, "VAST_API_URL": url}
        for action, expected in (("preview", "+ 3 to create"), ("up", "+ 3 created")):
            out = _run_env(env, venv / "bin" / "python", "quickstart.py", action, cwd=work)
            if expected not in out:
                sys.exit(f"check-wheel: README quick start `{action}` printed:\n{out}")
        _run_env(env, venv / "bin" / "python", "quickstart.py", "destroy", cwd=work)
        print("the README quick start ran from the wheel: preview, up, destroy")
    finally:
        simulator.terminate()
        simulator.communicate(timeout=10)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="check-wheel-") as tmp:
        work = Path(tmp)
        dist = work / "dist"
        run(sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", dist, ROOT)
        (wheel,) = dist.glob("*.whl")
        (sdist,) = dist.glob("*.tar.gz")
        print(f"built {sdist.name} and {wheel.name}")
        check_contents(wheel)
        venv = work / "venv"
        run(sys.executable, "-m", "venv", venv)
        run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel)
        smoke_test(venv, work)
    print("check-wheel: ok")


if __name__ == "__main__":
    main()
