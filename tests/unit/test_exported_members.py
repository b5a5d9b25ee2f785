"""The public surface: ``__all__`` is sorted and lists exactly what is exported."""

from __future__ import annotations

import types

import pulumi_vast_serverless as package


def test_all_is_sorted_and_complete() -> None:
    public = {
        name
        for name, value in vars(package).items()
        if (not name.startswith("_") or name == "__version__")
        and not isinstance(value, types.ModuleType)
    }
    assert package.__all__ == sorted(package.__all__)
    assert set(package.__all__) == public
