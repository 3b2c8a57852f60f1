"""Reporting: number formatting and tables (the only place numbers are rounded)."""

from ._format import (evaluation_blocks, fmt_num, fmt_p, format_evaluation,
                      format_evaluation_html, text_table)

__all__ = ["fmt_num", "fmt_p", "format_evaluation", "format_evaluation_html",
           "evaluation_blocks", "text_table"]
