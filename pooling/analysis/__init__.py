"""pooling/analysis."""
