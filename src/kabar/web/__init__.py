"""kabar.web."""
