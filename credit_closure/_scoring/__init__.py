"""The scalar reference: features, rules, the scale, reasons, ``assess()`` and the scorer
registry. Every other engine must agree with these modules bit for bit (docs/internals.md)."""
