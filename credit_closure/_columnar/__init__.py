"""The columnar engines behind :mod:`credit_closure.columnar` (docs/internals.md)."""
