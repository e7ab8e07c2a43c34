"""kabar.ingest."""
