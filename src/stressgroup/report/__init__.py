"""Reporting: number formatting and tables (the only place numbers are rounded)."""

from ._format import fmt_num, fmt_p, format_evaluation, text_table

__all__ = ["fmt_num", "fmt_p", "format_evaluation", "text_table"]
