"""The summary report: the store's headline figures in the terminal and as an HTML page."""

from wildtrace.report.render import print_summary, render_html

__all__ = ["print_summary", "render_html"]
