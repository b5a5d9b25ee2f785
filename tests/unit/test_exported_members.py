"""The public surface: ``__all__`` is sorted and lists exactly what is exported."""

from __future__ import annotations

import types

import pulumi_vast_serverless as package


def test_all_is_sorted_and_complete() -> None:
    public = {
        name
        for name in dir(package)
        if (not name.startswith("_") or name == "__version__")
        and not isinstance(getattr(package, name), types.ModuleType)
    }
    assert package.__all__ == sorted(package.__all__)
    assert set(package.__all__) == public


def test_public_names_show_as_the_package() -> None:
    for name in package.__all__:
        value = getattr(package, name)
        if isinstance(value, type):
            assert value.__module__ == "pulumi_vast_serverless", name
