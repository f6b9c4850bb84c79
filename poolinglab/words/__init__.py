"""poolinglab/words."""
