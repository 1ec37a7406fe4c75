"""Transform: SQL models and reference tables, built in the order their SQL implies."""
