"""poolinglab/intake."""
