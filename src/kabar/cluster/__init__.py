"""kabar.cluster."""
