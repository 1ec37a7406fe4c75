"""Analysis: what changed and why. Pack-independent; works on metric series."""
