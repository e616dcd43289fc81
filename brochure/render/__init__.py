"""Markdown and data to HTML: typography, the Markdown front end, Jinja2 layouts, SVG graphics,
the web edition."""
