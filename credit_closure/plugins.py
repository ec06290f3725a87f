"""Scorer plugins: find, load, control and health-check them.

A plugin is an installed distribution that declares a scorer in the ``credit_closure.scorers``
entry-point group; the entry-point name is the scorer name used in
``assess(..., scorer="name")`` and it points to a scorer class or a zero-argument factory::

    [project.entry-points."credit_closure.scorers"]
    acme-gbm = "acme_scorer:AcmeGBMScorer"

The target declares the scorer-protocol version it implements (``credit_closure_api = 1``);
it is read after the plugin's module is imported and *before* the factory runs, and a
mismatch raises :class:`~credit_closure.IncompatibleScorerError`. The guide is
``docs/plugins.md``.

Operator controls, applied before any plugin code is imported:

- ``CREDIT_CLOSURE_DISABLE_PLUGINS=1`` switches every third-party plugin off (``1``,
  ``true``, ``yes``, ``on``; ``0``, ``false``, ``no``, ``off`` or empty leave them on; any
  other value raises :class:`~credit_closure.exceptions.PluginConfigError`).
- ``CREDIT_CLOSURE_ALLOWED_PLUGINS="acme-gbm,dist:acme-scorer"`` allows only the listed
  scorer names and (``dist:`` items) distributions; :func:`set_allowed` does the same in code,
  and a plugin must pass both lists when both are set. Unset (or ``set_allowed()``): no list.
  Set but empty (``""``, spaces, commas; ``set_allowed(names=[])``): no third-party plugin is
  allowed, the list fails closed. The rule is stated once, in ``docs/plugins.md``, "The
  allow-list". Built-ins (``rules``, ``logistic``) are never blocked.

The library itself is the installed distribution that contains the running
``credit_closure`` package, not any distribution *named* ``credit-closure``: a look-alike
(``Credit_Closure``, ``credit.closure``) is a third-party plugin under every control, and an
entry point of it or any plugin that uses a built-in's name is reported ``shadowed``.

A plugin's exception at score time becomes a :class:`~credit_closure.ScoringError` naming the
scorer, its distribution and the exception's type; the exception's text (which can hold
subject data) stays in ``ScoringError.original_exception`` only.

:func:`check_plugins` is for health endpoints; ``credit-closure plugins`` prints it.

Example:
    >>> from credit_closure import plugins
    >>> [r.status for r in plugins.check_plugins() if r.name == "rules"]
    ['ok']
    >>> plugins.GROUP
    'credit_closure.scorers'

.. versionadded:: 0.1.0
"""

from credit_closure._scoring.registry import (
    ENV_ALLOWED,
    ENV_DISABLE,
    GROUP,
    STATUSES,
    PluginReport,
    ScorerInfo,
    available_scorers,
    check_plugins,
    clear_cache,
    get_allowed,
    get_scorer,
    plugins_disabled,
    register_scorer,
    set_allowed,
    unregister_scorer,
)

__all__ = [
    "ENV_ALLOWED",
    "ENV_DISABLE",
    "GROUP",
    "PluginReport",
    "STATUSES",
    "ScorerInfo",
    "available_scorers",
    "check_plugins",
    "clear_cache",
    "get_allowed",
    "get_scorer",
    "plugins_disabled",
    "register_scorer",
    "set_allowed",
    "unregister_scorer",
]
