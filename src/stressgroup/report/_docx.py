"""Word rendering (python-docx): three-line tables (三线表) in Times New Roman and SimSun.

The layout follows a Chinese thesis and APA 7 at once; what changes with the language is
set out below, the rest holds for both.

========================= ===============================================================
element                   how it is written
========================= ===============================================================
page                      A4, 2.5 cm margins on every side
fonts                     Times New Roman for Latin text (``w:ascii``, ``w:hAnsi``,
                          ``w:cs``) and SimSun (宋体) for Chinese (``w:eastAsia``), on the
                          document defaults, on every style used and on every run
body text                 12 pt (小四), line spacing 1.25, 6 pt after; Chinese paragraphs
                          justified and indented by two characters, English ones flush
                          left
title / headings          the Title style, 16 pt bold centred; Heading 1 14 pt bold,
                          Heading 2 12 pt bold, Heading 3 12 pt bold italic; all black
tables                    10.5 pt (五号) in every cell (a table whose numbers do not fit
                          the text width at that size: 9 pt 小五, then 7.5 pt 六号),
                          single line spacing; top and bottom
                          rules 1.5 pt (``w:sz="12"``), 0.75 pt (``w:sz="6"``) under the
                          header row, no other rule (the table's own borders are ``none``,
                          the rules are cell borders); header cells and numbers centred,
                          text columns left; no shading; columns sized to their contents
                          (the widths are estimated and written, so LibreOffice, which
                          ignores Word's autofit, agrees), the table centred; a table wider
                          than the 16 cm text width narrows its cell margins, then breaks
                          its headers on two lines, then wraps its headers and text cells
                          between words (or pairs of Chinese characters) as far as they
                          need, then takes a smaller size, before any number wraps; the
                          header row repeats after a page break;
                          rows never split; a table that fits on a page is kept on one
                          page (every row keeps with the next), a longer one keeps its
                          first and last rows with the header and the notes
group rows                ``("group", text)`` spans all columns, no rules, in italics in
                          English and upright in Chinese (slanted 汉字 are a fault); the
                          rows under it are indented by one character
table title (en, APA 7)   ``Table 1`` bold on one line, the title in italics on the next,
                          flush left with the table's left edge, 12 pt
table title (zh)          ``表 1 标题`` on one centred line, bold, 10.5 pt
notes                     below the table, from its left edge (at least 10 cm wide), 9 pt
                          (``Note.`` in italics in English)
figures                   a PNG 15 cm wide, centred, the caption below it (as a table
                          title, by language), notes 9 pt, the first one prefixed
                          ``Note.`` / ``注：``
warnings                  bold dark red ``Warning:`` / ``警告：`` before the text, the text
                          dark red, a red rule on the left
note paragraphs           9 pt
core properties           title set; author, last modified by, comments, subject,
                          keywords and category empty
========================= ===============================================================

Word accepts the XML as written here (children are inserted in schema order, which Word
checks and LibreOffice does not).
"""

from __future__ import annotations

import io
import unicodedata
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

from ..core.document import Document
from ._layout import Item, LaidFigure, LaidTable, lay_out

__all__ = ["render_docx", "LATIN_FONT", "EAST_ASIAN_FONT", "TABLE_PT", "BODY_PT", "NOTE_PT",
           "RULE_HEAVY", "RULE_LIGHT"]

#: Latin font (ascii, hAnsi and complex-script slots).
LATIN_FONT = "Times New Roman"
#: East Asian font (the ``w:eastAsia`` slot).
EAST_ASIAN_FONT = "SimSun"
#: Sizes in points: tables 五号, body 小四, notes.
TABLE_PT, BODY_PT, NOTE_PT = 10.5, 12.0, 9.0
#: Rule widths in eighths of a point (1.5 pt, 0.75 pt).
RULE_HEAVY, RULE_LIGHT = 12, 6

_DARK_RED = (0xA0, 0x00, 0x00)
_TEXT_WIDTH_TWIPS = round((21.0 - 2 * 2.5) / 2.54 * 1440)   # 16 cm
_CELL_PAD_TWIPS = 2 * 108 + 60      # Word's default left and right cell margins, and slack
_TIGHT_MARGIN_TWIPS = 57            # cell margins of a table too wide otherwise (0.1 cm)
_CELL_PAD_TIGHT_TWIPS = 2 * _TIGHT_MARGIN_TWIPS + 40

# Schema order of the children that this module may insert (Word rejects other orders).
_ORDER = {
    "w:tblPr": ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual",
                "w:tblStyleRowBandSize", "w:tblStyleColBandSize", "w:tblW", "w:jc",
                "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout",
                "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription"),
    "w:tcPr": ("w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders",
               "w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign",
               "w:hideMark"),
    "w:pPr": ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
              "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd",
              "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
              "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN",
              "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
              "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
              "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
              "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange"),
    "w:tblBorders": ("w:top", "w:start", "w:left", "w:bottom", "w:end", "w:right",
                     "w:insideH", "w:insideV"),
    "w:tcBorders": ("w:top", "w:start", "w:left", "w:bottom", "w:end", "w:right",
                    "w:insideH", "w:insideV", "w:tl2br", "w:tr2bl"),
    "w:rPr": ("w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps",
              "w:smallCaps", "w:strike", "w:dstrike", "w:outline", "w:shadow", "w:emboss",
              "w:imprint", "w:noProof", "w:snapToGrid", "w:vanish", "w:webHidden",
              "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz", "w:szCs",
              "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText",
              "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
              "w:specVanish", "w:oMath"),
}


# --------------------------------------------------------------------------- XML helpers

def _ox():
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    return OxmlElement, qn


def _child(parent, tag: str, order_of: str):
    """The ``tag`` child of ``parent``, created at its place in schema order if missing."""
    OxmlElement, qn = _ox()
    found = parent.find(qn(tag))
    if found is not None:
        return found
    el = OxmlElement(tag)
    order = _ORDER[order_of]
    later = {qn(t) for t in order[order.index(tag) + 1:]}
    for i, sib in enumerate(parent):
        if sib.tag in later:
            parent.insert(i, el)
            return el
    parent.append(el)
    return el


def _set(el, **attrs: Any) -> None:
    _, qn = _ox()
    for k, v in attrs.items():
        el.set(qn(f"w:{k}"), str(v))


def _fonts_rpr(rpr, size_pt: "float | None" = None, lang: "str | None" = None) -> None:
    """Times New Roman / SimSun (no theme fonts) and the size on an ``w:rPr``."""
    _, qn = _ox()
    rfonts = _child(rpr, "w:rFonts", "w:rPr")
    for a in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(a), None)
    _set(rfonts, ascii=LATIN_FONT, hAnsi=LATIN_FONT, cs=LATIN_FONT, eastAsia=EAST_ASIAN_FONT)
    if size_pt is not None:
        half = str(round(size_pt * 2))
        _set(_child(rpr, "w:sz", "w:rPr"), val=half)
        _set(_child(rpr, "w:szCs", "w:rPr"), val=half)
    if lang is not None:
        _set(_child(rpr, "w:lang", "w:rPr"), val="zh-CN" if lang == "zh" else "en-US",
             eastAsia="zh-CN")


def _style_fonts(style, size_pt: float, *, bold: "bool | None" = None,
                 italic: "bool | None" = None, black: bool = True) -> None:
    from docx.shared import Pt, RGBColor

    style.font.size = Pt(size_pt)
    if bold is not None:
        style.font.bold = bold
    if italic is not None:
        style.font.italic = italic
    if black:
        style.font.color.rgb = RGBColor(0, 0, 0)
    _fonts_rpr(style.element.get_or_add_rPr(), size_pt)


def _run(par, text: str, size_pt: float, *, bold: bool = False, italic: bool = False,
         color: "tuple | None" = None):
    """A run with the house fonts; ``\\n`` in ``text`` becomes a line break."""
    from docx.shared import Pt, RGBColor

    lines = text.split("\n")
    run = par.add_run(lines[0])
    for line in lines[1:]:
        run.add_break()
        run.add_text(line)
    run.font.size = Pt(size_pt)
    if bold:
        run.font.bold = True
    if italic:
        run.font.italic = True
    if color is not None:
        run.font.color.rgb = RGBColor(*color)
    _fonts_rpr(run._r.get_or_add_rPr(), size_pt)
    return run


def _para_format(par, *, size_pt: float, align: str = "left", before: float = 0,
                 after: float = 0, line: float = 1.0, keep_next: bool = False,
                 first_line_chars: int = 0) -> None:
    """Spacing, alignment and the paragraph mark's fonts and size."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    pf = par.paragraph_format
    pf.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    pf.line_spacing = line
    if keep_next:
        pf.keep_with_next = True
    ppr = par._p.get_or_add_pPr()
    if first_line_chars:
        _set(_child(ppr, "w:ind", "w:pPr"), firstLineChars=first_line_chars * 100,
             firstLine=round(first_line_chars * size_pt * 20))
    _fonts_rpr(_child(ppr, "w:rPr", "w:pPr"), size_pt)


# --------------------------------------------------------------------------- widths

# Advance widths of Times New Roman, in ems (other Latin letters: 0.5, capitals 0.72).
_TNR_EM = {**dict.fromkeys("0123456789*_#$", 0.5), **dict.fromkeys(".,:;' ", 0.25),
           **dict.fromkeys("-()[]/!|", 0.333), **dict.fromkeys("ijlt", 0.28),
           **dict.fromkeys("frs", 0.39), **dict.fromkeys("±<>=+", 0.564),
           "—": 1.0, "%": 0.833, "m": 0.778, "w": 0.722, "M": 0.889, "W": 0.944,
           "I": 0.333, "J": 0.389}


def _text_twips(s: str, size_pt: float) -> float:
    """An estimate (slightly generous) of the width of ``s`` in Times New Roman / SimSun."""
    em = size_pt * 20
    w = 0.0
    for ch in s:
        if unicodedata.east_asian_width(ch) in "WF":
            w += em
        elif ch in _TNR_EM:
            w += _TNR_EM[ch] * em
        elif ch.isupper():
            w += 0.72 * em
        else:
            w += 0.5 * em
    return w * 1.05


def _cell_twips(s: str, size_pt: float, pad: float = _CELL_PAD_TWIPS) -> float:
    return max(_text_twips(line, size_pt) for line in s.split("\n")) + pad


def _two_line_twips(s: str, size_pt: float, pad: float) -> float:
    """The width of ``s`` broken into two lines as evenly as it allows (at a space; Chinese
    anywhere)."""
    best = _text_twips(s, size_pt)
    words = s.split(" ")
    if len(words) > 1:
        for k in range(1, len(words)):
            best = min(best, max(_text_twips(" ".join(words[:k]), size_pt),
                                 _text_twips(" ".join(words[k:]), size_pt)))
    elif len(s) > 1 and all(unicodedata.east_asian_width(c) in "WF" for c in s):
        best = _text_twips(s[:-(-len(s) // 2)], size_pt)
    return best * _WRAP_SLACK + pad


#: A line that must not break any further (a header's part, a word) gets this much more
#: room than its estimate: LibreOffice breaks inside a word that misses by a hair.
_WRAP_SLACK = 1.08


def _widest_cells(tab: LaidTable, indent: int, width) -> list[float]:
    """Per column, the largest ``width(cell)`` over the body rows (plus ``indent`` for
    the first cell of a row under a group heading)."""
    out = [0.0] * len(tab.header)
    for (kind, cells), grouped in zip(tab.rows, _grouped(tab)):
        if kind == "row":
            for i, c in enumerate(cells):
                out[i] = max(out[i], width(c) + (indent if grouped and i == 0 else 0))
    return out


def _grouped(tab: LaidTable) -> list[bool]:
    """For each row of ``tab.rows``: is it a row under a group heading (indented)?"""
    out, seen = [], False
    for kind, _ in tab.rows:
        seen = seen or kind == "group"
        out.append(seen and kind == "row")
    return out


def _unbreakable_twips(s: str, size_pt: float, pad: float) -> float:
    """The narrowest a header or text cell may be: its widest unbreakable piece (a Latin
    word, or two Chinese characters, so that nothing is stacked a character a line)."""
    pieces, word = [], ""
    for ch in s:
        if ch.isspace() or unicodedata.east_asian_width(ch) in "WF":
            if word:
                pieces.append(word)
            word = ""
            if not ch.isspace():
                pieces.append(ch * 2)
        else:
            word += ch
    if word:
        pieces.append(word)
    return max((_text_twips(w, size_pt) for w in pieces), default=0.0) * _WRAP_SLACK + pad


def _number_min_twips(s: str, size_pt: float, pad: float) -> float:
    """The narrowest a number cell may be: the whole cell, or for ``0.36 [0.20, 0.52]``
    the wider of the estimate and its bracketed interval (one line each)."""
    parts = []
    for line in s.split("\n"):
        head, bracket, tail = line.partition(" [")
        parts += [head, "[" + tail] if bracket else [line]
    return max(_text_twips(part, size_pt) for part in parts) * _WRAP_SLACK + pad


def _fitted_widths(tab: LaidTable, indent: int, size_pt: float, *,
                   header_words: bool = True) -> "tuple[list[int], bool] | None":
    """Widths at ``size_pt`` where no number wraps (headers and text cells wrap onto as
    many lines as they need, never inside a word), or None when even that is too wide."""
    widths, tight = _column_widths(tab, indent, size_pt)
    pad = _CELL_PAD_TIGHT_TWIPS if tight else _CELL_PAD_TWIPS
    body = _widest_cells(tab, indent, lambda c: _cell_twips(c, size_pt, pad))
    # the narrowest each column may be: a text cell wraps between words, a number cell
    # not at all (an estimate and its interval may take a line each)
    text_min = _widest_cells(tab, indent, lambda c: _unbreakable_twips(c, size_pt, pad))
    number_min = _widest_cells(tab, 0, lambda c: _number_min_twips(c, size_pt, pad))
    words = [t if a == "l" else v for a, t, v in zip(tab.align, text_min, number_min)]
    low = [max(words[i], _unbreakable_twips(h, size_pt, pad) if header_words else 0.0)
           for i, h in enumerate(tab.header)]
    if all(w >= lo - 1 for w, lo in zip(widths, low)):
        return widths, tight          # the plain layout wraps no number
    if sum(low) > _TEXT_WIDTH_TWIPS:
        return None
    # every column at least its floor; the room left goes to the columns whose headers
    # (or text) wrap most, in proportion to what they would need on one line
    natural = [max(b, _cell_twips(h, size_pt, pad)) for b, h in zip(body, tab.header)]
    want = [max(0.0, nat - lo) for nat, lo in zip(natural, low)]
    room = _TEXT_WIDTH_TWIPS - sum(low)
    share = min(1.0, room / sum(want)) if sum(want) else 0.0
    out = [int(lo + w * share) for lo, w in zip(low, want)]
    return out, tight


#: Cell sizes a table too wide for 五号 (10.5 pt) may use before a number wraps: 小五, 六号.
_SMALLER_PT = (9.0, 7.5)


def _table_layout(tab: LaidTable) -> tuple[list[int], bool, float]:
    """``(widths, tight, size_pt)``: the table at 五号 if its numbers fit unwrapped, else
    at the first smaller size where they do (小五, then 六号), else at 六号 with headers
    that may break inside words, else at 六号 with every column shrunk in proportion."""
    for size in (TABLE_PT, *_SMALLER_PT):
        fitted = _fitted_widths(tab, round(size * 20), size)
        if fitted is not None:
            return (*fitted, size)
    size = _SMALLER_PT[-1]
    # still too wide: a header may break inside a word rather than a number wrap
    fitted = _fitted_widths(tab, round(size * 20), size, header_words=False)
    if fitted is not None:
        return (*fitted, size)
    return (*_column_widths(tab, round(size * 20), size), size)


def _column_widths(tab: LaidTable, indent: int = 0, size_pt: float = TABLE_PT
                   ) -> tuple[list[int], bool]:
    """Widths (twips) that fit the contents, and whether the cell margins are narrowed.

    A table wider than the text width first narrows its cell margins to 0.1 cm, then lets
    its headers take two lines, then lets its text columns wrap (down to 2.5 cm), and only
    then shrinks every column in proportion (:func:`_table_layout` tries more first).
    """
    groups = [g for kind, g in tab.rows if kind == "group"]
    for pad, tight in ((_CELL_PAD_TWIPS, False), (_CELL_PAD_TIGHT_TWIPS, True)):
        body = _widest_cells(tab, indent, lambda c: _cell_twips(c, size_pt, pad))
        head = [_cell_twips(h, size_pt, pad) for h in tab.header]
        widths = [max(b, h) for b, h in zip(body, head)]
        if sum(widths) <= _TEXT_WIDTH_TWIPS:
            break
    if sum(widths) > _TEXT_WIDTH_TWIPS:                  # headers on two lines
        widths = [max(b, _two_line_twips(h, size_pt, pad))
                  for b, h in zip(body, tab.header)]
    group_w = max((_cell_twips(g, size_pt, pad) for g in groups), default=0)
    if group_w > sum(widths):                          # a long group heading: widen column 1
        widths[0] += min(group_w, _TEXT_WIDTH_TWIPS) - sum(widths)
    total = sum(widths)
    if total > _TEXT_WIDTH_TWIPS:
        # text columns give way first (down to 2.5 cm), then every column in proportion
        excess = total - _TEXT_WIDTH_TWIPS
        floor = 2.5 / 2.54 * 1440
        text_cols = [i for i, a in enumerate(tab.align) if a == "l" and widths[i] > floor]
        room = sum(widths[i] - floor for i in text_cols)
        if room > 0:
            take = min(excess, room)
            for i in text_cols:
                widths[i] -= take * (widths[i] - floor) / room
        total = sum(widths)
        if total > _TEXT_WIDTH_TWIPS:
            widths = [w * _TEXT_WIDTH_TWIPS / total for w in widths]
    out = [int(round(w)) for w in widths]
    over = sum(out) - _TEXT_WIDTH_TWIPS
    if over > 0:                                       # rounding
        out[out.index(max(out))] -= over
    return out, tight


# --------------------------------------------------------------------------- blocks

def _indent(par, left: int, right: int = 0) -> None:
    """Left and right paragraph indents in twips (a table's or figure's edges)."""
    from docx.shared import Twips

    if left:
        par.paragraph_format.left_indent = Twips(left)
    if right:
        par.paragraph_format.right_indent = Twips(right)


def _caption(document, caption: str, title: str, lang: str, *, keep_next: bool,
             inset: int = 0):
    """``Table 1`` (bold) / title (italic) on two lines for APA, flush with the table's left
    edge (``inset`` twips from the margin); ``表 1 标题`` on one bold centred line."""
    par = document.add_paragraph()
    if lang == "zh":
        _para_format(par, size_pt=TABLE_PT, align="center", before=12, after=3,
                     keep_next=keep_next)
        _run(par, f"{caption} {title}" if title else caption, TABLE_PT, bold=True)
    else:
        _para_format(par, size_pt=BODY_PT, align="left", before=12, after=6,
                     keep_next=keep_next)
        _indent(par, inset, inset)
        _run(par, caption, BODY_PT, bold=True)
        if title:
            par.runs[-1].add_break()
            _run(par, title, BODY_PT, italic=True)
    return par


_NOTE_MIN_TWIPS = round(10 / 2.54 * 1440)     # notes are at least 10 cm wide


def _notes(document, notes: Iterable[str], lang: str, inset: int = 0) -> None:
    """The notes below a table or figure, 9 pt, from its left edge (``inset``) to its right
    edge, or over 10 cm when it is narrower."""
    notes = list(notes)
    right = max(0, _TEXT_WIDTH_TWIPS - inset - max(_TEXT_WIDTH_TWIPS - 2 * inset,
                                                    _NOTE_MIN_TWIPS))
    for k, note in enumerate(notes):
        par = document.add_paragraph()
        _para_format(par, size_pt=NOTE_PT, align="justify" if lang == "zh" else "left",
                     before=3 if k == 0 else 0, after=0 if k < len(notes) - 1 else 6,
                     keep_next=k < len(notes) - 1)
        _indent(par, inset, right)
        if lang != "zh" and note.startswith("Note."):
            _run(par, "Note.", NOTE_PT, italic=True)
            _run(par, note[len("Note."):], NOTE_PT)
        else:
            _run(par, note, NOTE_PT)


_EDGES = ("top", "left", "bottom", "right", "insideH", "insideV")    # schema order


def _cell_border(cell, **edges: int) -> None:
    """Single black rules of the given widths (eighths of a point) on a cell's edges."""
    OxmlElement, qn = _ox()
    borders = _child(cell._tc.get_or_add_tcPr(), "w:tcBorders", "w:tcPr")
    for edge, size in edges.items():
        el = borders.find(qn(f"w:{edge}"))
        if el is None:
            el = OxmlElement(f"w:{edge}")
            later = {qn(f"w:{e}") for e in _EDGES[_EDGES.index(edge) + 1:]}
            at = next((i for i, sib in enumerate(borders) if sib.tag in later), len(borders))
            borders.insert(at, el)
        _set(el, val="single", sz=size, space=0, color="000000")


def _table_borders_none(table) -> None:
    OxmlElement, qn = _ox()
    tblpr = table._tbl.tblPr
    borders = _child(tblpr, "w:tblBorders", "w:tblPr")
    for el in list(borders):
        borders.remove(el)
    for edge in _EDGES:
        el = OxmlElement(f"w:{edge}")
        _set(el, val="none", sz=0, space=0, color="auto")
        borders.append(el)


def _write_cell(cell, text: str, align: str, *, keep_next: bool, italic: bool = False,
                width: "int | None" = None, indent: int = 0,
                size_pt: float = TABLE_PT) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.shared import Twips

    if width is not None:
        cell.width = Twips(width)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    par = cell.paragraphs[0]
    _para_format(par, size_pt=size_pt, align="center" if align == "c" else "left",
                 before=1.5, after=1.5, keep_next=keep_next)
    _indent(par, indent)
    _run(par, text, size_pt, italic=italic)


_PAGE_PT = (29.7 - 2 * 2.5) / 2.54 * 72      # text height of the page


def _fits_on_a_page(tab: LaidTable, widths: list[int], size_pt: float = TABLE_PT) -> bool:
    """Whether the table (caption, rows with their wrapped lines, notes) will fit on a
    page: 17 pt a line of a row (10.5 pt CJK text with the cell spacing), 11 pt a note
    line."""
    lines = 1
    for kind, cells in [("row", tab.header)] + list(tab.rows):
        if kind == "group":
            lines += 1
            continue
        lines += max(1, max(-(-int(_cell_twips(c, size_pt)) // max(w, 1))
                            for c, w in zip(cells, widths)))
    note_lines = sum(1 + int(_text_twips(n, NOTE_PT) // _TEXT_WIDTH_TWIPS) for n in tab.notes)
    return 40 + 17 * lines + 11 * note_lines <= 0.9 * _PAGE_PT


def _table(document, tab: LaidTable, lang: str) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Twips

    OxmlElement, qn = _ox()
    ncol = len(tab.header)
    widths, tight, size = _table_layout(tab)
    pad = _CELL_PAD_TIGHT_TWIPS if tight else _CELL_PAD_TWIPS
    indent = round(size * 20)                     # one character: rows under a group
    inset = max(0, (_TEXT_WIDTH_TWIPS - sum(widths)) // 2)
    _caption(document, tab.caption, tab.title, lang, keep_next=True, inset=inset)
    table = document.add_table(rows=1 + len(tab.rows), cols=ncol)
    table.style = None
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = True
    _table_borders_none(table)
    if tight:
        mar = _child(table._tbl.tblPr, "w:tblCellMar", "w:tblPr")
        for edge in ("left", "right"):
            el = OxmlElement(f"w:{edge}")
            _set(el, w=_TIGHT_MARGIN_TWIPS, type="dxa")
            mar.append(el)
    for i, col in enumerate(table.columns):
        col.width = Twips(widths[i])
    has_notes = bool(tab.notes)
    rows = table.rows
    last = len(rows) - 1
    keep_all = _fits_on_a_page(tab, widths, size)
    for r, row in enumerate(rows):
        trpr = row._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:cantSplit"))
        if r == 0:
            trpr.append(OxmlElement("w:tblHeader"))
    # header: a heavy rule above, a light one below (heavy when there is no body)
    for i, cell in enumerate(rows[0].cells):
        _write_cell(cell, tab.header[i], "c", keep_next=last > 0 or has_notes,
                    width=widths[i], size_pt=size)
        _cell_border(cell, top=RULE_HEAVY, bottom=RULE_LIGHT if last > 0 else RULE_HEAVY)
    # body: no rules but the heavy one under the last row
    for r, ((kind, cells), grouped) in enumerate(zip(tab.rows, _grouped(tab)), start=1):
        # a table that fits on a page is kept on one page; a longer one keeps its first
        # and last two rows with the header and the notes (a keep chain longer than a
        # page makes LibreOffice leave pages empty)
        keep = (r < last or has_notes) and (keep_all or r <= 2 or r >= last - 2)
        row = rows[r]
        if kind == "group":
            merged = row.cells[0].merge(row.cells[-1]) if ncol > 1 else row.cells[0]
            # Chinese has no italics (slanted characters are a fault): upright there
            _write_cell(merged, cells, "l", keep_next=keep, italic=lang != "zh",
                        width=sum(widths), size_pt=size)
            targets = [merged]
        else:
            targets = row.cells
            for i, cell in enumerate(targets):
                text = cells[i]
                if tab.align[i] == "c" and " [" in text and "\n" not in text and \
                        _text_twips(text, size) / 1.05 + pad > widths[i]:
                    # too narrow for the whole cell (without the estimate's slack): the
                    # interval on a line of its own, never broken at a minus sign
                    text = text.replace(" [", "\n[", 1)
                _write_cell(cell, text, tab.align[i], keep_next=keep, width=widths[i],
                            indent=indent if grouped and i == 0 and tab.align[0] == "l"
                            else 0, size_pt=size)
        if r == last:
            for cell in targets:
                _cell_border(cell, bottom=RULE_HEAVY)
    _notes(document, tab.notes, lang, inset)


def _figure(document, fig: LaidFigure, lang: str) -> None:
    from docx.shared import Cm, Pt

    from ._figures import figure_png

    png = figure_png(fig.source, lang)
    par = document.add_paragraph()
    _para_format(par, size_pt=BODY_PT, align="center", before=12, after=0, keep_next=True)
    run = par.add_run()
    _fonts_rpr(run._r.get_or_add_rPr(), BODY_PT)
    run.add_picture(io.BytesIO(png), width=Cm(15))
    inset = max(0, (_TEXT_WIDTH_TWIPS - round(15 / 2.54 * 1440)) // 2)
    cap = _caption(document, fig.caption, fig.title, lang, keep_next=bool(fig.notes),
                   inset=inset)
    cap.paragraph_format.space_before = Pt(4)
    cap.paragraph_format.space_after = Pt(6 if not fig.notes else 0)
    notes = list(fig.notes)
    prefix = "注：" if lang == "zh" else "Note. "
    if notes and not notes[0].startswith(prefix.strip()):
        notes[0] = prefix + notes[0]
    _notes(document, notes, lang, inset)


def _paragraph(document, item: Item, lang: str) -> None:
    par = document.add_paragraph()
    if item.style == "note":
        _para_format(par, size_pt=NOTE_PT, after=6)
        _run(par, item.text, NOTE_PT)
    elif item.style == "warning":
        _para_format(par, size_pt=BODY_PT, before=6, after=6, line=1.25)
        ppr = par._p.get_or_add_pPr()
        OxmlElement, _ = _ox()
        bdr = _child(ppr, "w:pBdr", "w:pPr")
        left = OxmlElement("w:left")
        _set(left, val="single", sz=24, space=6, color="%02X%02X%02X" % _DARK_RED)
        bdr.append(left)
        _set(_child(ppr, "w:ind", "w:pPr"), left=160)
        _run(par, "警告：" if lang == "zh" else "Warning: ", BODY_PT, bold=True,
             color=_DARK_RED)
        _run(par, item.text, BODY_PT, color=_DARK_RED)
    else:
        _para_format(par, size_pt=BODY_PT, align="justify" if lang == "zh" else "left",
                     after=6, line=1.25,
                     first_line_chars=2 if lang == "zh" else 0)
        _run(par, item.text, BODY_PT)


def _set_up(document, lang: str, title: str) -> None:
    """Page, default fonts, the styles used, core properties."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    for section in document.sections:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin = section.bottom_margin = Cm(2.5)
    # document defaults (every run not otherwise set)
    styles_el = document.styles.element
    _, qn = _ox()
    rpr_default = styles_el.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/"
                                 + qn("w:rPr"))
    if rpr_default is not None:
        _fonts_rpr(rpr_default, BODY_PT, lang)
    normal = document.styles["Normal"]
    _style_fonts(normal, BODY_PT)
    _fonts_rpr(normal.element.get_or_add_rPr(), BODY_PT, lang)
    # title, subtitle, headings: house fonts, black, no theme colour or rule
    for name, size, bold, italic in (("Title", 16, True, False), ("Subtitle", 12, False, True),
                                     ("Heading 1", 14, True, False),
                                     ("Heading 2", 12, True, False),
                                     ("Heading 3", 12, True, True)):
        st = document.styles[name]
        _style_fonts(st, size, bold=bold, italic=italic)
        ppr = st.element.get_or_add_pPr()
        for el in ppr.findall(qn("w:pBdr")):
            ppr.remove(el)
        rpr = st.element.get_or_add_rPr()
        for tag in ("w:spacing", "w:kern", "w:caps", "w:smallCaps"):
            for el in rpr.findall(qn(tag)):
                rpr.remove(el)
        pf = st.paragraph_format
        pf.space_before, pf.space_after = Pt(size if name != "Subtitle" else 0), Pt(6)
        pf.line_spacing = 1.0
        pf.keep_with_next = True
        if name in ("Title", "Subtitle"):
            pf.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cp = document.core_properties
    cp.title = title
    cp.author = cp.last_modified_by = cp.comments = cp.subject = ""
    cp.keywords = cp.category = cp.content_status = cp.identifier = ""
    cp.language = "zh-CN" if lang == "zh" else "en-US"
    cp.revision = 1
    now = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)
    cp.created = cp.modified = now
    # East Asian text is Chinese (the template says Japanese), and the font table names
    # SimSun, so that a reader without it gets a Chinese Song face, not a Japanese Mincho
    _set(_child_plain(document.settings.element, "w:themeFontLang"),
         val="zh-CN" if lang == "zh" else "en-US", eastAsia="zh-CN")
    _add_simsun_to_font_table(document)
    # the template's thumbnail shows another document: leave it out
    rels = document.part.package.rels
    for rid, rel in list(rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del rels[rid]


def _child_plain(parent, tag: str):
    """The ``tag`` child of ``parent`` (a settings element: Word reads them in any order),
    appended when missing."""
    OxmlElement, qn = _ox()
    el = parent.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        parent.append(el)
    return el


# SimSun as Word describes it in a font table (GB2312 character set, Song face).
_SIMSUN_FONT = (
    '<w:font xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'w:name="SimSun"><w:altName w:val="宋体"/><w:panose1 w:val="02010600030101010101"/>'
    '<w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/>'
    '<w:sig w:usb0="00000003" w:usb1="288F0000" w:usb2="00000016" w:usb3="00000000" '
    'w:csb0="00040001" w:csb1="00000000"/></w:font>')


def _add_simsun_to_font_table(document) -> None:
    from lxml import etree

    _, qn = _ox()
    for rel in document.part.rels.values():
        if rel.is_external or not rel.reltype.endswith("/fontTable"):
            continue
        part = rel.target_part
        root = etree.fromstring(part.blob)
        if not any(f.get(qn("w:name")) == EAST_ASIAN_FONT for f in root):
            root.append(etree.fromstring(_SIMSUN_FONT))
            part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                        standalone=True)


def render_docx(doc: Document, path: "str | Path", lang: str = "en", style=None) -> Path:
    """Write ``doc`` as a Word document with three-line tables.

    Parameters
    ----------
    doc : Document
        What to write.
    path : str or Path
        The ``.docx`` file (overwritten).
    lang : {"en", "zh"}
        Language of every label and the caption convention (APA 7 in English, one centred
        ``表 1 标题`` line in Chinese).
    style : str or Style, optional
        Number style (default APA in English, ``cn`` in Chinese).

    Returns
    -------
    pathlib.Path
        ``path``.

    Notes
    -----
    The layout (fonts, sizes, rules, widths) is described in the module docstring.
    Figures are drawn by :func:`stressgroup.report._figures.figure_png` and embedded as PNG.

    Examples
    --------
    >>> import tempfile, zipfile
    >>> from pathlib import Path
    >>> from stressgroup.core.document import Column, Document, Table
    >>> tab = Table("x", {"en": "Scores", "zh": "得分"},
    ...             [Column("s", {"en": "Scale", "zh": "维度"}, "text"),
    ...              Column("a", "alpha", "reliability")], [{"s": "Work", "a": 0.81}])
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     out = render_docx(Document("Report", [tab]), Path(folder) / "r.docx", "zh")
    ...     with zipfile.ZipFile(out) as z:
    ...         xml = z.read("word/document.xml").decode()
    >>> "表 1 得分" in xml, 'w:eastAsia="SimSun"' in xml, 'w:sz="12"' in xml
    (True, True, True)
    """
    import docx

    path = Path(path)
    items = lay_out(doc, lang, style)
    document = docx.Document()
    title = next((it.text for it in items if it.kind == "title"), "")
    _set_up(document, lang, title)
    body = document.element.body
    for el in list(body):            # the template's empty first paragraph, if any
        if el.tag.endswith("}p"):
            body.remove(el)
    for item in items:
        if item.kind == "title":
            par = document.add_paragraph(style="Title")
            _run(par, item.text, 16, bold=True)
        elif item.kind == "subtitle":
            par = document.add_paragraph(style="Subtitle")
            _run(par, item.text, 12, italic=True)
        elif item.kind == "heading":
            level = min(max(item.level, 1), 3)
            par = document.add_paragraph(style=f"Heading {level}")
            _run(par, item.text, {1: 14, 2: 12, 3: 12}[level], bold=True, italic=level == 3)
        elif item.kind == "paragraph":
            _paragraph(document, item, lang)
        elif item.kind == "table":
            _table(document, item.table, lang)
        elif item.kind == "figure":
            _figure(document, item.figure, lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path
