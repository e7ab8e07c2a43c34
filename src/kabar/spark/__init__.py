"""kabar.spark."""
