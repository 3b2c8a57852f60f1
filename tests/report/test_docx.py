"""The Word renderer: three-line tables, fonts, captions, notes and figures, read back from
``word/document.xml`` (no LibreOffice needed)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from stressgroup.core.document import Column, Document, Heading, Paragraph, Table
from stressgroup.report import write_report
from stressgroup.report._docx import render_docx
from stressgroup.report._layout import lay_out

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W, "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"}
EAST_ASIAN = ("SimSun", "宋体")
LANGS = ["en", "zh"]


def q(tag: str) -> str:
    prefix, name = tag.split(":")
    return f"{{{NS[prefix]}}}{name}"


def wattr(el, name: str):
    return None if el is None else el.get(q(f"w:{name}"))


def para_text(p) -> str:
    """A paragraph's text, line breaks as ``\\n``."""
    out = []
    for el in p.iter(q("w:t"), q("w:br")):
        out.append(el.text or "" if el.tag == q("w:t") else "\n")
    return "".join(out)


@pytest.fixture(params=LANGS)
def docx_rendered(request, tmp_path, docx_document, docx_figures):
    """(lang, path, document.xml root, laid-out items) for the sample document."""
    lang = request.param
    path = render_docx(docx_document, tmp_path / f"report_{lang}.docx", lang)
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    return lang, path, root, lay_out(docx_document, lang)


def laid_tables(items):
    return [it.table for it in items if it.kind == "table"]


def tables(root):
    return root.findall(".//w:tbl", NS)


# --------------------------------------------------------------------------- rules

def test_every_table_has_its_own_borders_off(docx_rendered):
    _, _, root, items = docx_rendered
    assert len(tables(root)) == len(laid_tables(items)) == 3
    for tbl in tables(root):
        borders = tbl.find("w:tblPr/w:tblBorders", NS)
        assert borders is not None
        edges = {etree.QName(e).localname: wattr(e, "val") for e in borders}
        assert set(edges) == {"top", "left", "bottom", "right", "insideH", "insideV"}
        assert set(edges.values()) <= {"none", "nil"}


def _cell_borders(tc) -> dict:
    b = tc.find("w:tcPr/w:tcBorders", NS)
    if b is None:
        return {}
    return {etree.QName(e).localname: (wattr(e, "val"), wattr(e, "sz")) for e in b}


def test_three_rules_only(docx_rendered):
    _, _, root, _ = docx_rendered
    for tbl in tables(root):
        rows = tbl.findall("w:tr", NS)
        assert len(rows) >= 2
        for tc in rows[0].findall("w:tc", NS):
            assert _cell_borders(tc) == {"top": ("single", "12"), "bottom": ("single", "6")}
        for tc in rows[-1].findall("w:tc", NS):
            assert _cell_borders(tc) == {"bottom": ("single", "12")}
        for row in rows[1:-1]:
            for tc in row.findall("w:tc", NS):
                assert _cell_borders(tc) == {}
        assert not tbl.findall(".//w:shd", NS)          # no shading anywhere
        assert not tbl.findall(".//w:insideV", NS)[1:]  # only the table's own (none)


def test_a_table_without_body_rows_closes_with_the_heavy_rule(tmp_path):
    tab = Table("empty", "Nothing yet", [Column("a", "A", "text"), Column("b", "B")], [])
    path = render_docx(Document("R", [tab]), tmp_path / "e.docx")
    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    (row,) = root.findall(".//w:tr", NS)
    for tc in row.findall("w:tc", NS):
        assert _cell_borders(tc) == {"top": ("single", "12"), "bottom": ("single", "12")}


# --------------------------------------------------------------------------- fonts

def _check_fonts(rpr, half_points: "str | None"):
    assert rpr is not None
    fonts = rpr.find("w:rFonts", NS)
    assert wattr(fonts, "ascii") == "Times New Roman"
    assert wattr(fonts, "hAnsi") == "Times New Roman"
    assert wattr(fonts, "eastAsia") in EAST_ASIAN
    assert wattr(fonts, "asciiTheme") is None and wattr(fonts, "eastAsiaTheme") is None
    if half_points is not None:
        assert wattr(rpr.find("w:sz", NS), "val") == half_points


def test_every_run_in_a_table_is_times_and_simsun_five_hao(docx_rendered):
    _, _, root, _ = docx_rendered
    runs = [r for tbl in tables(root) for r in tbl.iter(q("w:r"))]
    assert len(runs) > 50
    for r in runs:
        _check_fonts(r.find("w:rPr", NS), "21")
    for p in (p for tbl in tables(root) for p in tbl.iter(q("w:p"))):   # paragraph marks
        _check_fonts(p.find("w:pPr/w:rPr", NS), "21")


def test_every_run_outside_tables_has_both_fonts(docx_rendered):
    _, _, root, _ = docx_rendered
    runs = list(root.iter(q("w:r")))
    assert runs
    for r in runs:
        _check_fonts(r.find("w:rPr", NS), None)


def test_styles_and_defaults_carry_the_east_asian_font(docx_rendered):
    import docx

    lang, path, _, _ = docx_rendered
    d = docx.Document(str(path))
    with zipfile.ZipFile(path) as z:
        styles = etree.fromstring(z.read("word/styles.xml"))
    _check_fonts(styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS), "24")
    for name in ("Normal", "Title", "Heading 1", "Heading 2"):
        st = d.styles[name]
        _check_fonts(st.element.find("w:rPr", NS), None)
        assert str(st.font.color.rgb) == "000000", name      # black, not the theme blue
        assert st.font.color.theme_color is None
        assert st.element.find("w:pPr/w:pBdr", NS) is None     # no rule under the title
    assert d.styles["Normal"].font.size.pt == 12
    with zipfile.ZipFile(path) as z:
        fonts = etree.fromstring(z.read("word/fontTable.xml"))
        settings = etree.fromstring(z.read("word/settings.xml"))
    assert "SimSun" in {wattr(f, "name") for f in fonts.findall("w:font", NS)}
    assert wattr(settings.find("w:themeFontLang", NS), "eastAsia") == "zh-CN"


# --------------------------------------------------------------------------- alignment

def test_header_centred_numbers_centred_text_left(docx_rendered):
    _, _, root, items = docx_rendered
    for tbl, lt in zip(tables(root), laid_tables(items)):
        rows = tbl.findall("w:tr", NS)
        for tc in rows[0].findall("w:tc", NS):
            assert wattr(tc.find("w:p/w:pPr/w:jc", NS), "val") == "center"
        body = [r for r, (kind, _) in zip(rows[1:], lt.rows) if kind == "row"]
        for row in body:
            jcs = [wattr(tc.find("w:p/w:pPr/w:jc", NS), "val") for tc in row.findall("w:tc", NS)]
            assert jcs == ["center" if a == "c" else "left" for a in lt.align]


def test_table_centred_autofit_header_repeats_rows_kept(docx_rendered):
    _, _, root, _ = docx_rendered
    for tbl in tables(root):
        assert wattr(tbl.find("w:tblPr/w:jc", NS), "val") == "center"
        assert wattr(tbl.find("w:tblPr/w:tblLayout", NS), "type") == "autofit"
        rows = tbl.findall("w:tr", NS)
        assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
        assert all(r.find("w:trPr/w:tblHeader", NS) is None for r in rows[1:])
        assert all(r.find("w:trPr/w:cantSplit", NS) is not None for r in rows)
        for r in rows[:-1]:
            assert r.find("w:tc/w:p/w:pPr/w:keepNext", NS) is not None
        widths = [int(wattr(g, "w")) for g in tbl.findall("w:tblGrid/w:gridCol", NS)]
        assert 0 < sum(widths) <= 9072                     # within the 16 cm text width


def test_group_rows_span_all_columns_without_rules(docx_rendered):
    lang, _, root, items = docx_rendered
    tbl, lt = tables(root)[0], laid_tables(items)[0]
    rows = tbl.findall("w:tr", NS)[1:]
    groups = [r for r, (kind, _) in zip(rows, lt.rows) if kind == "group"]
    assert len(groups) == 2
    for r, text in zip(groups, [c for kind, c in lt.rows if kind == "group"]):
        (tc,) = r.findall("w:tc", NS)
        assert len(tc.findall("w:p", NS)) == 1
        assert wattr(tc.find("w:tcPr/w:gridSpan", NS), "val") == str(len(lt.header))
        assert para_text(tc) == text
        assert _cell_borders(tc) == {}
        italic = tc.find(".//w:r/w:rPr/w:i", NS) is not None
        assert italic == (lang == "en")                   # no slanted Chinese


# --------------------------------------------------------------------------- captions

def test_caption_precedes_each_table_and_notes_follow(docx_rendered):
    lang, _, root, items = docx_rendered
    body = root.find("w:body", NS)
    children = list(body)
    for tbl, lt in zip(tables(root), laid_tables(items)):
        i = children.index(tbl)
        cap = children[i - 1]
        assert cap.tag == q("w:p")
        if lang == "zh":
            assert para_text(cap) == f"表 {lt.number} {lt.title}"
            assert wattr(cap.find("w:pPr/w:jc", NS), "val") == "center"
            assert all(r.find("w:rPr/w:b", NS) is not None for r in cap.findall("w:r", NS))
        else:
            assert para_text(cap) == f"Table {lt.number}\n{lt.title}"
            runs = cap.findall("w:r", NS)
            assert runs[0].find("w:rPr/w:b", NS) is not None       # "Table 1" bold
            assert runs[-1].find("w:rPr/w:i", NS) is not None      # title in italics
        assert cap.find("w:pPr/w:keepNext", NS) is not None
        after = [para_text(p) for p in children[i + 1:i + 1 + len(lt.notes)]]
        assert after == lt.notes
        if lt.notes:
            assert after[0].startswith("注：" if lang == "zh" else "Note.")
            p = children[i + 1]
            assert {wattr(r.find("w:rPr/w:sz", NS), "val") for r in p.findall("w:r", NS)} \
                == {"18"}
        else:
            assert not para_text(children[i + 1]).startswith(("注", "Note"))


def test_stars_note_in_chinese_style(docx_rendered):
    lang, _, root, _ = docx_rendered
    xml = etree.tostring(root, encoding="unicode")
    if lang == "zh":
        assert "-3.88***" in xml and "*p &lt; 0.05, **p &lt; 0.01, ***p &lt; 0.001" in xml
    else:
        assert "***" not in xml and "-3.88" in xml


# --------------------------------------------------------------------------- figures

def test_figure_is_an_inline_png_with_the_caption_below(docx_rendered, docx_png,
                                                        docx_figures):
    lang, path, root, items = docx_rendered
    assert docx_figures == [("forest", lang)]
    blips = root.findall(".//a:blip", NS)
    assert len(blips) == 1
    assert root.find(".//wp:inline", NS) is not None
    extent = root.find(".//wp:inline/wp:extent", NS)
    assert int(extent.get("cx")) == 15 * 360000                    # 15 cm wide
    with zipfile.ZipFile(path) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        assert len(media) == 1 and media[0].endswith(".png")
        assert z.read(media[0]) == docx_png
    body = list(root.find("w:body", NS))
    pic = next(p for p in body if p.find(".//a:blip", NS) is not None)
    fig = next(it.figure for it in items if it.kind == "figure")
    cap = body[body.index(pic) + 1]
    expected = f"图 1 {fig.title}" if lang == "zh" else f"Figure 1\n{fig.title}"
    assert para_text(cap) == expected
    note = para_text(body[body.index(pic) + 2])
    assert note.startswith("注：" if lang == "zh" else "Note.") and fig.notes[0] in note


def test_real_figures_embed_when_the_module_is_there(tmp_path, docx_document):
    import warnings

    from stressgroup import FontWarning

    figures = pytest.importorskip("stressgroup.report._figures")
    assert hasattr(figures, "figure_png")
    with warnings.catch_warnings():   # a machine without CJK fonts draws English labels
        warnings.simplefilter("ignore", FontWarning)
        path = render_docx(docx_document, tmp_path / "f.docx", "zh")
    with zipfile.ZipFile(path) as z:
        assert any(n.startswith("word/media/") for n in z.namelist())


# --------------------------------------------------------------------------- read back

def test_python_docx_reads_the_laid_out_cells(docx_rendered):
    import docx

    _, path, _, items = docx_rendered
    d = docx.Document(str(path))
    assert len(d.tables) == 3
    for table, lt in zip(d.tables, laid_tables(items)):
        assert [c.text for c in table.rows[0].cells] == lt.header
        assert len(table.rows) == 1 + len(lt.rows)
        for row, (kind, cells) in zip(table.rows[1:], lt.rows):
            got = [c.text for c in row.cells]
            assert got == (cells if kind == "row" else [cells] * len(lt.header))


def test_document_structure_and_properties(docx_rendered):
    import docx

    lang, path, _, items = docx_rendered
    d = docx.Document(str(path))
    paras = d.paragraphs
    assert paras[0].style.name == "Title" and paras[0].text == items[0].text
    assert paras[1].style.name == "Subtitle"
    h = {p.text: p.style.name for p in paras if p.style.name.startswith("Heading")}
    expected = {it.text: f"Heading {it.level}" for it in items if it.kind == "heading"}
    assert h == expected
    warning = next(p for p in paras if p.text.startswith(("Warning", "警告")))
    first = warning.runs[0]
    assert first.bold and str(first.font.color.rgb) == "A00000"
    assert first.text == ("警告：" if lang == "zh" else "Warning: ")
    body = next(p for p in paras if p.text.startswith(("Fifty", "前测")))
    indent = body.paragraph_format.first_line_indent
    assert (indent is not None and round(indent.pt) == 24) == (lang == "zh")  # 2 characters
    note = next(p for p in paras if "stressgroup" in p.text)
    assert {r.font.size.pt for r in note.runs} == {9.0}
    sec = d.sections[0]
    assert round(sec.page_width.cm, 1) == 21.0 and round(sec.page_height.cm, 1) == 29.7
    assert {round(m.cm, 2) for m in (sec.left_margin, sec.right_margin, sec.top_margin,
                                     sec.bottom_margin)} == {2.5}
    cp = d.core_properties
    assert cp.title == items[0].text
    assert cp.author == "" and cp.last_modified_by == "" and cp.comments == ""
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        assert not any("thumbnail" in n for n in names)
        everything = b"".join(z.read(n) for n in names if n.endswith(".xml"))
    assert b"python-docx" not in everything


def test_personal_data_never_reaches_the_file(tmp_path):
    tab = Table("t", "Contacts 13712345679",
                [Column("a", "Who", "text")], [{"a": "王小明 13712345679"},
                                               {"a": "someone@example.org"}])
    doc = Document("Report for someone@example.org",
                   [Heading("h"), Paragraph("call 13712345679"), tab])
    path = render_docx(doc, tmp_path / "p.docx", "zh")
    with zipfile.ZipFile(path) as z:
        data = b"".join(z.read(n) for n in z.namelist())
    for secret in ("13712345679", "someone@example.org", "王小明"):
        assert secret.encode() not in data


# --------------------------------------------------------------------------- entry points

def test_write_report_and_to_docx_write_the_same_tables(tmp_path, docx_document,
                                                        docx_figures):
    import docx

    from stressgroup.report import Reportable

    class Result(Reportable):
        def to_document(self, lang="en"):
            return docx_document

    a = write_report(docx_document, tmp_path / "a.docx", "zh")
    b = Result().to_docx(tmp_path / "b.docx", "zh")
    assert isinstance(a, Path) and isinstance(b, Path) and a.exists() and b.exists()
    cells = [[[c.text for c in r.cells] for r in t.rows] for t in docx.Document(str(a)).tables]
    assert cells == [[[c.text for c in r.cells] for r in t.rows]
                     for t in docx.Document(str(b)).tables]


@pytest.mark.parametrize("lang", LANGS)
def test_style_is_honoured(tmp_path, docx_document, docx_figures, lang):
    import docx

    path = render_docx(docx_document, tmp_path / "s.docx", lang, style="apa")
    pre = docx.Document(str(path)).tables[1].rows[1].cells[1].text
    assert pre == "3.41 (0.52)"


def test_children_are_in_schema_order(docx_rendered):
    """Word refuses a file whose property children are out of the schema's sequence."""
    from stressgroup.report._docx import _ORDER

    _, path, _, _ = docx_rendered
    with zipfile.ZipFile(path) as z:
        parts = [etree.fromstring(z.read(n)) for n in ("word/document.xml", "word/styles.xml")]
    checked = 0
    for root in parts:
        for parent, order in _ORDER.items():
            rank = {q(t): i for i, t in enumerate(order)}
            for el in root.iter(q(parent)):
                tags = [c.tag for c in el]
                assert all(t in rank for t in tags), (parent, tags)
                assert [rank[t] for t in tags] == sorted(rank[t] for t in tags), (parent, tags)
                checked += 1
    assert checked > 500


def test_a_long_table_keeps_only_its_ends_together(tmp_path):
    rows = [{"item": f"Item {i}", "r": 0.5} for i in range(80)]
    tab = Table("long", "Items", [Column("item", "Item", "text"),
                                  Column("r", "r", "correlation")], rows, notes=["A note."])
    path = render_docx(Document("R", [tab]), tmp_path / "l.docx")
    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    trs = root.findall(".//w:tr", NS)
    keep = [tr.find("w:tc/w:p/w:pPr/w:keepNext", NS) is not None for tr in trs]
    assert len(trs) == 81
    assert all(keep[:3]) and all(keep[-3:]) and not any(keep[4:-4])
    assert trs[0].find("w:trPr/w:tblHeader", NS) is not None


def test_a_wide_table_narrows_margins_before_any_number_wraps(tmp_path):
    from stressgroup.report._docx import _cell_twips, _table_layout

    cols = [Column("s", "Subscale", "text")] + [
        Column(f"c{i}", f"A long column heading {i} [95% CI]", "estimate_ci") for i in range(3)]
    row = {"s": "Organization", **{f"c{i}": (-0.3312, -0.5801, -0.0923) for i in range(3)}}
    tab = Table("wide", "Wide", cols, [row, row])
    path = render_docx(Document("R", [tab]), tmp_path / "w.docx")
    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    mar = root.find(".//w:tblPr/w:tblCellMar", NS)
    assert mar is not None and {wattr(e, "w") for e in mar} == {"57"}
    grid = [int(wattr(g, "w")) for g in root.findall(".//w:tblGrid/w:gridCol", NS)]
    assert sum(grid) <= 9072
    (laid,) = laid_tables(lay_out(Document("R", [tab])))
    widths, tight, size = _table_layout(laid)
    assert tight and widths == grid and size == 10.5
    number = laid.body[0][1]
    assert all(w >= _cell_twips(number, size, 2 * 57 + 40) - 1 for w in widths[1:])


def _cell_sizes(root) -> set:
    return {wattr(sz, "val") for sz in root.findall(".//w:tc//w:r/w:rPr/w:sz", NS)}


@pytest.mark.parametrize("ncols, size, half_points", [(5, 10.5, "21"), (6, 9.0, "18"),
                                                      (8, 7.5, "15")])
def test_a_table_too_wide_for_its_numbers_is_set_smaller(tmp_path, ncols, size, half_points):
    """Numbers never wrap while a smaller size (小五, then 六号) lets them fit (an interval
    may go under its estimate); headers wrap between words (or pairs of Chinese
    characters) instead."""
    from stressgroup.report._docx import _unbreakable_twips, _number_min_twips, _table_layout

    cols = [Column("s", "维度", "text")] + [
        Column(f"c{i}", f"g（变化值）[95% CI] {i}", "estimate_ci") for i in range(ncols)]
    row = {"s": "组织层面", **{f"c{i}": (-0.7312, -1.2601, -0.2023) for i in range(ncols)}}
    tab = Table("wide", "宽表", cols, [row, row])
    (laid,) = laid_tables(lay_out(Document("R", [tab]), "zh"))
    widths, tight, got = _table_layout(laid)
    assert got == size and sum(widths) <= 9072
    pad = 2 * 57 + 40 if tight else 2 * 108 + 60
    number = laid.body[0][1]   # whole, or the estimate over its interval
    assert all(w >= _number_min_twips(number, size, pad) - 1 for w in widths[1:])
    assert all(w >= _unbreakable_twips(h, size, pad) - 1
               for w, h in zip(widths, laid.header))
    path = render_docx(Document("R", [tab]), tmp_path / "w.docx", lang="zh")
    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    assert _cell_sizes(root) == {half_points}


def test_a_narrow_table_keeps_the_default_margins(docx_rendered):
    _, _, root, _ = docx_rendered
    assert tables(root)[0].find("w:tblPr/w:tblCellMar", NS) is None


def test_an_interval_goes_on_its_own_line_rather_than_break_at_a_minus(tmp_path):
    """13 columns with English headers fit only with the intervals under their estimates:
    the cell then holds an explicit line break before ``[`` (LibreOffice would otherwise
    break at a minus sign inside the interval)."""
    cols = [Column("s", "Subscale", "text")] + [
        Column(f"p{i}", f"p (Welch, change) {i}", "p") for i in range(10)] + [
        Column(f"c{i}", f"g (change) [95% CI] {i}", "estimate_ci") for i in range(2)]
    row = {"s": "Organization", **{f"p{i}": 0.0004 for i in range(10)},
           **{f"c{i}": (-0.7312, -1.2601, -0.2023) for i in range(2)}}
    path = render_docx(Document("R", [Table("wide", "Wide", cols, [row, row])]),
                       tmp_path / "w.docx")
    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    body = root.findall(".//w:tr", NS)[1]
    ci = body.findall("w:tc", NS)[-1]
    texts = [t.text for t in ci.findall(".//w:t", NS)]
    assert ci.find(".//w:br", NS) is not None and texts == ["-0.73", "[-1.26, -0.20]"]
