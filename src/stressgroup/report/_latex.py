"""LaTeX rendering: booktabs tables (``\\toprule``, ``\\midrule``, ``\\bottomrule``)."""

from __future__ import annotations

from ..core.document import Document
from ._layout import lay_out

__all__ = ["render_latex", "latex_escape"]

_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
            "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
            "^": r"\textasciicircum{}", "±": r"$\pm$", "α": r"$\alpha$", "ω": r"$\omega$",
            "×": r"$\times$", "<": r"$<$", ">": r"$>$", "—": "---", "─": "-"}


def latex_escape(s: str) -> str:
    r"""Escape LaTeX's special characters.

    Examples
    --------
    >>> latex_escape("p_holm < .05 & 50%")
    'p\\_holm $<$ .05 \\& 50\\%'
    """
    return "".join(_SPECIAL.get(ch, ch) for ch in s)


def render_latex(doc: Document, lang: str = "en", style=None, *, standalone: bool = True
                 ) -> str:
    """``doc`` as LaTeX with booktabs tables (a whole document, or the body only).

    A Chinese document uses ``ctex``; compile it with XeLaTeX. Figures are listed by their
    captions (write the PNGs with the DOCX or HTML report).

    Examples
    --------
    >>> from stressgroup.core.document import Column, Document, Table
    >>> tab = Table("x", "Scores", [Column("s", "Scale", "text")], [{"s": "Work"}])
    >>> "toprule" in render_latex(Document("R", [tab]), standalone=False)
    True
    """
    e = latex_escape
    out: list[str] = []
    for item in lay_out(doc, lang, style):
        if item.kind == "title":
            out.append(f"\\section*{{{e(item.text)}}}")
        elif item.kind == "subtitle":
            out.append(f"\\textit{{{e(item.text)}}}\n")
        elif item.kind == "heading":
            cmd = "subsection*" if item.level <= 1 else "subsubsection*"
            out.append(f"\\{cmd}{{{e(item.text)}}}")
        elif item.kind == "paragraph":
            body = e(item.text)
            if item.style == "warning":
                body = f"\\textbf{{{'警告' if lang == 'zh' else 'Warning'}:}} {body}"
            elif item.style == "note":
                body = f"{{\\small {body}}}"
            out.append(body + "\n")
        elif item.kind == "table":
            tab = item.table
            n = len(tab.header)
            spec = "".join(tab.align)
            lines = ["\\begin{table}[htbp]", "\\centering", "\\small",
                     f"\\caption*{{{e(tab.caption)}\\quad {e(tab.title)}}}",
                     f"\\begin{{tabular}}{{{spec}}}", "\\toprule",
                     " & ".join(e(h) for h in tab.header) + " \\\\", "\\midrule"]
            for kind, cells in tab.rows:
                if kind == "group":
                    lines.append(f"\\multicolumn{{{n}}}{{l}}{{\\textit{{{e(cells)}}}}} \\\\")
                else:
                    lines.append(" & ".join(e(c) for c in cells) + " \\\\")
            lines += ["\\bottomrule", "\\end{tabular}"]
            for note in tab.notes:
                lines.append(f"\\par\\medskip\\parbox{{\\linewidth}}{{\\footnotesize "
                             f"{e(note)}}}")
            lines.append("\\end{table}\n")
            out.append("\n".join(lines))
        elif item.kind == "figure":
            f = item.figure
            out.append(f"\\noindent\\textbf{{{e(f.caption)}}}\\quad {e(f.title)}\n")
    body = "\n".join(out)
    if not standalone:
        return body + "\n"
    pre = ["\\documentclass[11pt]{article}",
           "\\usepackage[UTF8]{ctex}" if lang == "zh" else "\\usepackage[T1]{fontenc}",
           "\\usepackage{booktabs}", "\\usepackage{caption}",
           "\\usepackage[margin=2.5cm]{geometry}", "\\begin{document}"]
    return "\n".join(pre) + "\n" + body + "\n\\end{document}\n"
