"""kabar.api."""
