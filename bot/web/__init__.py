"""The HTTP server (Procfile `web`): the hub's web pages, a health check, the documents
features serve (calendar feeds), and the routes adapters add to it (Slack's Events API).

- `server`: the aiohttp application, `/healthz`, the features' web resources, serving.
- `guard`: who is signed in (signed session cookies), CSRF tokens, rate limits.
- `render`: the Jinja2 templates and the stylesheet they share.
- `public`: the pages for everyone; `account`: signing in, and a member's own pages.
"""

from bot.web.server import APP_KEY, build_web_app, run_web, serve

__all__ = ["APP_KEY", "build_web_app", "run_web", "serve"]
