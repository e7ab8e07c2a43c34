"""kabar.store."""
