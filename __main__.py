"""The program of the root project (Pulumi.yaml beside it): examples/quickstart.

A program of its own rather than `main: examples/quickstart/` in Pulumi.yaml: Pulumi's
dynamic-provider shim resolves the `virtualenv` option from the program's directory, and
its language host from the project's, so the two must be the same directory.
"""

import runpy
from pathlib import Path

runpy.run_path(
    str(Path(__file__).resolve().parent / "examples" / "quickstart" / "__main__.py"),
    run_name="__main__",
)
