"""The private parts of :mod:`credit_closure.metrics`: input checks, Markdown, scoring profiles."""
