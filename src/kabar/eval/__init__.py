"""Evaluations: ``kabar eval <task>`` prints measured figures beside published anchors."""
