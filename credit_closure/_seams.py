"""The lazy name table behind each engine's internal seam (``_contract``, ``_scoring``,
``_scorecard``, ``_columnar``; docs/internals.md, "Tests"): a package serves the names of its
``_SEAM`` table on first access, importing only the submodule that holds each one."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_names(
    package: str, table: dict[str, tuple[str, str]], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A module ``__getattr__`` and ``__dir__`` for ``package``: a name of ``table`` (name ->
    (submodule, attribute)) is imported on first access and kept in ``namespace`` (the
    package's globals); any other name is an ``AttributeError``."""

    def __getattr__(name: str) -> Any:
        try:
            module, attr = table[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(f"{package}.{module}"), attr)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(table))

    return __getattr__, __dir__
