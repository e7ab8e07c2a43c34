"""kabar.web: server-rendered pages (Jinja2, autoescaped) and static CSS, no build step."""

from kabar.web.pages import install_web

__all__ = ["install_web"]
