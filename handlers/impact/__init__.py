"""The annual impact report and the quarterly REMI infographic: what the hub did in a year
(1 April to 31 March) and in each of its quarters, for the steering group's funders and
the communications lead.

Shared, not a feature: it reads every feature's records through storage and the shared
network modules, and the web pages and the CLI call it. REMI figures come only from
`handlers/network/remi_picture.py`, so they are banded by the one disclosure rule.

- year.py: report years ("2026-27") and their quarters, which are REMI check-in periods;
- figures.py: the report's figures, worked out from the database;
- published.py: every figure as published (one row each), and the CSV;
- charts.py: the report's charts with their alt text;
- infographic.py: the quarter's REMI figures as one image, PNG or SVG.
"""
