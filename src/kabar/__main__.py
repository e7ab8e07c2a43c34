"""``python -m kabar`` runs the CLI."""

from kabar.cli import main

main()
