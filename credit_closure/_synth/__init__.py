"""The data-generating process behind :mod:`credit_closure.synth`: tables, draws, subjects, truth."""
