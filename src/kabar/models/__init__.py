"""kabar.models."""
