"""kabar: a news intelligence engine for Indonesian (and English) media."""

__version__ = "0.1.0"
