"""The logistic scorecard: binning, scoring, its JSON artifact and fitting."""
