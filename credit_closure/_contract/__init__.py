"""The input contract: the closure-event model and its strict JSON documents."""
