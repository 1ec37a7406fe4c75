"""Sources: where data comes from. Each connector lists what is new; ingestion loads it."""
