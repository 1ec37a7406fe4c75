"""Demo data: realistic, seeded exports of fictitious cases for the demo municipalities."""
