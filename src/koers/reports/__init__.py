"""Reports and exports: what leaves Koers as a file."""
