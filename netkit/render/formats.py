"""Plain rendering helpers shared by result objects: text tables for a terminal, markdown tables
for board papers, HTML tables for notebooks, and figures shown as a person reads them."""

from __future__ import annotations

import html
import math
import re
from string import Template
from typing import Iterable

import pandas as pd

from netkit.render.palette import INK, INK_MUTED, NHS_BLUE, NHS_DARK_BLUE, PANEL, RULE

__all__ = ["text_table", "markdown_table", "html_table", "fmt_number", "fmt_estimate", "fmt_share", "fmt_chance", "fmt_money", "fmt_money_rounded", "ROUNDED", "and_more", "fit_list", "shorten", "to_jsonable", "html_page", "script_hash", "escape_markdown", "terminal_safe", "neutralise_spreadsheet_text", "neutralise_frame", "csv_report"]


# --- making names safe in each kind of output -----------------------------------------------
#
# Names, titles and ids come from the files people give netkit, so a report must not let them
# act: in a spreadsheet (a formula), in rendered Markdown (live HTML, links, images) or in a
# terminal (escape sequences that retitle the window, hide text or rewrite the screen).

# Cells a spreadsheet would read as a formula or a command (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def neutralise_spreadsheet_text(text: str) -> str:
    r"""Text a spreadsheet will show as text: a cell starting with ``=``, ``+``, ``-``, ``@``, a
    tab or a carriage return gets a leading ``'``, as OWASP recommends for CSV files people open
    in Excel. A plain number (``-12.5``, ``+3``) is left alone: no spreadsheet runs it, and a
    quote would turn it into text.

    Only for reports: a system's own CSV files stay exactly as written, so that they round-trip.

    Examples
    --------
    >>> print(neutralise_spreadsheet_text('=HYPERLINK("http://evil.example","x")'))
    '=HYPERLINK("http://evil.example","x")
    >>> [neutralise_spreadsheet_text(t) for t in ["@SUM(A1)", "\tx", "-12.5", "Vale ICB"]]
    ["'@SUM(A1)", "'\tx", '-12.5', 'Vale ICB']
    """
    text = str(text)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of a report table whose text cells and column names lose terminal controls
    (`terminal_safe`: a CSV report is often printed to a terminal) and then pass through
    `neutralise_spreadsheet_text`; numeric columns stay numeric.

    Examples
    --------
    >>> neutralise_frame(pd.DataFrame({"name": ["=1+1", "A"], "net": [-12.5, 3.0]}))
        name   net
    0  '=1+1 -12.5
    1      A   3.0
    """
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        out[column] = values.map(_report_text)
    out.columns = [_report_text(c) for c in out.columns]
    return out


def _report_text(value):
    if not isinstance(value, str):
        return value
    return neutralise_spreadsheet_text(terminal_safe(value))


def csv_report(frame: pd.DataFrame) -> str:
    """A report table as CSV text for people to open in a spreadsheet: text cells neutralised
    (`neutralise_frame`), numbers as numbers.

    Examples
    --------
    >>> print(csv_report(pd.DataFrame({"name": ["=cmd|' /C calc'!A0"], "net": [-2]})), end="")
    name,net
    '=cmd|' /C calc'!A0,-2
    """
    return neutralise_frame(frame).to_csv(index=False, lineterminator="\n")


# Markdown's markup characters, each escaped with a backslash (CommonMark lets any ASCII
# punctuation be escaped so): ``\`` itself, code spans, emphasis and strikethrough, table cells,
# links and images, ``<`` and ``>`` of raw HTML and autolinks (not before a digit, where they
# can be neither: ``<1%``, ``>99%``), an ``_`` that could open or close emphasis (not one
# between letters or digits, as in ``list_size``), and an ``&`` that would start an entity.
_MARKDOWN_SPECIAL = re.compile(r"[\\`*~|\[\]]|[<>](?!\d)|(?<![^\W_])_|_(?![^\W_])"
                               r"|&(?=#?\w+;)")
# What makes a line a block when it opens it: a heading, a block quote, a list item, a
# thematic break or a setext underline.
_MARKDOWN_LINE_START = re.compile(r"^( {0,3})(#{1,6}(?=\s|$)|>|[-+](?=\s|$)"
                                  r"|(\d{1,9})([.)])(?=\s|$)|[-=_](?=[-=_ ]*$))")


def escape_markdown(text, opens_line: bool = True) -> str:
    r"""Text that Markdown renders as the same text, never as markup, escaped as CommonMark does
    it, with a backslash before an ASCII punctuation character: ``\``, backticks, ``*``, ``~``,
    ``|`` and square brackets always (no code spans, emphasis, table cells, links or images);
    ``<`` and ``>`` but before a digit (no raw HTML or autolinks, so ``<img onerror=...>`` stays
    text in pandoc, GitHub or a wiki, while ``<1%`` and ``>99%`` read as written); ``_`` where
    it could mark emphasis (not inside a word: ``list_size``); ``&`` only where it would start
    an entity (``&amp;``), so ``Smith & Sons`` reads as written in the ``.md`` file too; and
    what would make a line a heading, a block quote, a list item or a rule where the text
    opens one (``# 1``, ``>99%``, ``- x``, ``1. x``, ``---``; not with ``opens_line=False``, for
    a table cell, where none of them is markup). Terminal controls go (`terminal_safe`) and
    line breaks become spaces.

    Examples
    --------
    >>> print(escape_markdown("<img src=x onerror=alert(1)> & [x](http://e) | `y`"))
    \<img src=x onerror=alert(1)\> & \[x\](http://e) \| \`y\`
    >>> print(escape_markdown("Smith & Sons <Care> Ltd &amp; *co* _x_ list_size"))
    Smith & Sons \<Care\> Ltd \&amp; \*co\* \_x\_ list_size
    >>> print(escape_markdown("# Top ![i](http://e.example/i.png)"), escape_markdown("1. a"))
    \# Top !\[i\](http://e.example/i.png) 1\. a
    >>> print(escape_markdown("<1% and >99%"), escape_markdown(">99%"),
    ...       escape_markdown(">99%", opens_line=False))
    <1% and >99% \>99% >99%
    """
    text = _MARKDOWN_SPECIAL.sub(r"\\\g<0>", terminal_safe(str(text), inline=True))
    return _MARKDOWN_LINE_START.sub(_escape_line_start, text, count=1) if opens_line else text


def _escape_line_start(found: re.Match) -> str:
    if found.group(3):  # an ordered list's number: escape its "." or ")"
        return found.group(1) + found.group(3) + "\\" + found.group(4)
    return found.group(1) + "\\" + found.group(2)


# ESC sequences: CSI (ESC [ ... final byte), the string commands OSC, DCS, SOS, PM and APC up
# to BEL or ST (an unterminated one runs to the end, as it would in a terminal), and any other
# escape; then the C0 and C1 controls, DEL, and the Unicode bidi controls that can make a line
# read differently from what it holds.
_ESCAPE_SEQUENCE = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
                              r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*"
                              r"(?:\x07|\x1b\\|\x9c)?"
                              r"|\x1b[ -/]*[0-~]?")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                      r"\u2066-\u2069]")
_INLINE_SPACE = re.compile(r"[\t\n\r]")


def terminal_safe(text, inline: bool = False) -> str:
    r"""Text with nothing a terminal would act on: escape sequences (colours, cursor moves, an
    OSC that retitles the window, ...) removed whole, other control characters (NUL, BEL, DEL,
    C1) and bidi overrides removed. Line feeds and tabs stay, unless ``inline`` (a name in a
    line or a table cell), where tabs, line feeds and carriage returns become spaces.

    Examples
    --------
    >>> terminal_safe("Vale\x1b]0;pwned\x07 ICB\x00")
    'Vale ICB'
    >>> terminal_safe("\x1b[31mred\x1b[0m\tand\nplain"), terminal_safe("a\tb\nc", inline=True)
    ('red\tand\nplain', 'a b c')
    """
    text = _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", str(text)))
    if inline:
        text = _INLINE_SPACE.sub(" ", text)
    return text


def fmt_number(value: float) -> str:
    """A count as people write it: ``18,400``; small fractions keep one decimal.

    Examples
    --------
    >>> fmt_number(18400.0), fmt_number(2.5), fmt_number(float("nan"))
    ('18,400', '2.5', '')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if abs(value - round(value)) < 0.05 or abs(value) >= 100:
        return f"{round(value):,}"
    return f"{value:,.1f}"


def fmt_estimate(value: float, whole: bool = False) -> str:
    """A count at the precision an estimate bears, for counts shown beside an estimate (an
    expected count, an excess and its range, the observed count they come from): whole from 10
    up, one decimal below 10 (without a trailing ``.0``), halves rounded up, signed where
    negative. ``whole``: whole below 10 too (the bounds of a range whose central figure is
    whole, so that a bound is never shown finer than its estimate). `fmt_number` keeps a decimal
    up to 100, which an estimate cannot support.

    Examples
    --------
    >>> [fmt_estimate(v) for v in (2310.92, 40.90, 78.92, 10.4, 9.96, 4.56, 1.03, -3.44)]
    ['2,311', '41', '79', '10', '10', '4.6', '1', '-3.4']
    >>> fmt_estimate(6.3, whole=True), fmt_estimate(0.4, whole=True), fmt_estimate(-0.04)
    ('6', '0', '0')
    >>> fmt_estimate(0), fmt_estimate(float("nan"))
    ('0', '')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    size = abs(float(value))
    tenths = math.floor(size * 10 + 0.5)
    if whole or tenths >= 100:  # 10 and more, once rounded: whole
        units = math.floor(size + 0.5)
        return ("-" if value < 0 and units else "") + f"{units:,}"
    shown = f"{tenths // 10}" if tenths % 10 == 0 else f"{tenths / 10:.1f}"
    return ("-" if value < 0 and tenths else "") + shown


def fmt_chance(value: float) -> str:
    """A chance estimated from Monte Carlo draws, as a whole percentage that never claims
    certainty: ``<1%`` for none or almost none of the draws, ``>99%`` for all or almost all.

    Examples
    --------
    >>> fmt_chance(0.0), fmt_chance(0.31), fmt_chance(0.996), fmt_chance(1.0)
    ('<1%', '31%', '>99%', '>99%')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if value < 0.005:
        return "<1%"
    if value >= 0.995:
        return ">99%"
    return f"{value * 100:.0f}%"


def fmt_share(value: float) -> str:
    """A share as a whole percentage, with ``<1%`` for small non-zero shares.

    Examples
    --------
    >>> fmt_share(0.314), fmt_share(0.001), fmt_share(0)
    ('31%', '<1%', '0%')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if 0 < value < 0.005:
        return "<1%"
    return f"{value * 100:.0f}%"


def fmt_money(value: float) -> str:
    """Pounds a year, signed where negative: ``£1,250,000``, ``-£40,000``.

    Examples
    --------
    >>> fmt_money(1250000), fmt_money(-40000.4)
    ('£1,250,000', '-£40,000')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    sign = "-" if round(value) < 0 else ""
    return f"{sign}£{abs(round(value)):,}"


#: Said under a table of pounds rounded by `fmt_money_rounded`, whose rows imply a sum (a net,
#: a before and after, a total).
ROUNDED = "Figures may not sum due to rounding; the JSON report has them unrounded."


def fmt_money_rounded(value: float) -> str:
    """Pounds as people say them: two significant figures, millions as ``£1.3m``, smaller
    sums to the nearest thousand or ten (``£280,000``, ``£4,700``, ``£280``), and from £10m
    to the nearest million (``£113m``, not ``£110m``: a national figure and its range would
    otherwise read as one number); halves rounded up; signed where negative. For reports
    only: JSON keeps the exact figure.

    Examples
    --------
    >>> [fmt_money_rounded(v) for v in (1_312_400, 280_800, -48_564, 4_712, 283.4, 0)]
    ['£1.3m', '£280,000', '-£49,000', '£4,700', '£280', '£0']
    >>> fmt_money_rounded(12_640_000), fmt_money_rounded(999_999), fmt_money_rounded(float("nan"))
    ('£13m', '£1.0m', '')
    >>> [fmt_money_rounded(v) for v in (113_149_000, -2_345_600_000, 9_960_000, 40_500)]
    ['£113m', '-£2,346m', '£10m', '£41,000']
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    size = abs(float(value))
    if size < 0.5:
        return "£0"
    sign = "-" if value < 0 else ""
    step = 10.0 ** (math.floor(math.log10(size)) - 1)  # two significant figures, halves up
    rounded = math.floor(size / step + 0.5) * step
    if rounded >= 10_000_000:  # £10m and more: to the nearest million
        return f"{sign}£{math.floor(size / 1_000_000 + 0.5):,}m"
    if rounded >= 1_000_000:
        return f"{sign}£{rounded / 1_000_000:.1f}m"
    return f"{sign}£{round(rounded):,}"


def and_more(hidden: int, what: str = "", listed: str = "the JSON report lists every one"
             ) -> str:
    """The line that counts what a report leaves out of a list, and says where it is whole.

    Examples
    --------
    >>> and_more(1375, "inform partners", "the CSV and JSON reports list every one")
    'and 1,375 more inform partners (the CSV and JSON reports list every one)'
    >>> and_more(34)
    'and 34 more (the JSON report lists every one)'
    """
    return f"and {hidden:,} more{' ' * bool(what)}{what} ({listed})"


def fit_list(items, width: int, sep: str = ", ") -> str:
    """A list cut to ``width`` characters at a whole item, never inside one, saying how many
    are left out (``P81003 and 19 more``). An item may be a tuple of the forms it can take,
    the one preferred first (a name, then the id): as many items as fit are shown, each in
    the first form that leaves room for the rest. Where not even one fits, the first is cut
    (`shorten`).

    Examples
    --------
    >>> ids = ["CHILD-SHI", "CMH-TRUST", "HOSPICE", "P81001", "P81002"]
    >>> fit_list(ids, 40), fit_list(ids, 60)
    ('CHILD-SHI, CMH-TRUST, HOSPICE and 2 more', 'CHILD-SHI, CMH-TRUST, HOSPICE, P81001, P81002')
    >>> fit_list([("Shire University Hospitals NHS Foundation Trust 78%", "ACU-SHI 78%"),
    ...           ("Western Counties Ambulance Service 22%", "AMB-WC 22%")], 30, "; ")
    'ACU-SHI 78%; AMB-WC 22%'
    >>> fit_list([("Meadowbank House 100%", "CH-MEADOW 100%")], 30), fit_list([], 10)
    ('Meadowbank House 100%', '')
    """
    forms = [(item,) if isinstance(item, str) else tuple(item) for item in items]
    for shown in range(len(forms), 0, -1):
        rest = f" and {len(forms) - shown:,} more" if shown < len(forms) else ""
        room = width - len(rest) - len(sep) * (shown - 1)
        least = [min(len(f) for f in item) for item in forms[:shown]]
        if sum(least) > room:
            continue
        chosen, used = [], 0
        for i, item in enumerate(forms[:shown]):
            form = next(f for f in item if used + len(f) + sum(least[i + 1:]) <= room)
            chosen.append(form)
            used += len(form)
        return sep.join(chosen) + rest
    return shorten(forms[0][-1], width) if forms else ""


def shorten(text: str, width: int) -> str:
    """Cut text to ``width`` characters with an ellipsis."""
    text = str(text)
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def _cells(frame: pd.DataFrame) -> list[list[str]]:
    return [["" if (isinstance(v, float) and math.isnan(v)) or v is None else str(v)
             for v in row] for row in frame.itertuples(index=False)]


def text_table(frame: pd.DataFrame, right: Iterable[str] = (), max_width: int = 40) -> str:
    """A fixed-width table for a terminal; columns named in ``right`` are right-aligned, and
    every cell passes through `terminal_safe`.

    Examples
    --------
    >>> print(text_table(pd.DataFrame({"type": ["icb", "pcn"], "n": ["1", "12"]}), right=["n"]))
    type   n
    ----  --
    icb    1
    pcn   12
    """
    right = set(right)
    header = [terminal_safe(c, inline=True) for c in frame.columns]
    rows = [[shorten(terminal_safe(c, inline=True), max_width) for c in row]
            for row in _cells(frame)]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    names = [str(c) for c in frame.columns]

    def line(cells):
        out = [c.rjust(w) if h in right else c.ljust(w)
               for c, w, h in zip(cells, widths, names)]
        return "  ".join(out).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in rows])


def markdown_table(frame: pd.DataFrame, right: Iterable[str] = ()) -> str:
    """A GitHub-flavoured markdown table; every cell and column name passes through
    `escape_markdown`, so ``|`` and HTML in names stay text.

    Examples
    --------
    >>> print(markdown_table(pd.DataFrame({"name": ["A | B"], "n": ["3"]}), right=["n"]))
    | name | n |
    |---|--:|
    | A \\| B | 3 |
    """
    right = set(right)
    header = [str(c) for c in frame.columns]
    rows = _cells(frame)

    def esc(cell):  # a cell opens no line: "- x" or ">99%" there is text
        return escape_markdown(cell, opens_line=False)

    out = ["| " + " | ".join(esc(h) for h in header) + " |",
           "|" + "|".join("--:" if h in right else "---" for h in header) + "|"]
    out += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def html_table(frame: pd.DataFrame) -> str:
    """An HTML table with every cell escaped (`netkit.render.table_html`: pandas's
    ``to_html`` bytes, written faster)."""
    from netkit.render.table_html import table_html

    return table_html(frame)


def to_jsonable(value):
    """Make a value safe for ``json.dumps``: NaN becomes null, numpy scalars become Python
    numbers, dates become ISO text, tuples and sets become lists (sets sorted).

    Examples
    --------
    >>> to_jsonable({"a": float("nan"), "b": (1, 2)})
    {'a': None, 'b': [1, 2]}
    >>> to_jsonable([pd.NaT, pd.Timestamp("2026-11-30")])
    [None, '2026-11-30T00:00:00']
    """
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:  # most values: as they are
        return value
    if kind is float:
        return None if math.isnan(value) or math.isinf(value) else value
    if kind is dict:
        return {k if type(k) is str else str(k): to_jsonable(v) for k, v in value.items()}
    if kind is list:
        return [to_jsonable(v) for v in value]
    return _jsonable(value)


def _jsonable(value):
    """`to_jsonable` for values other than plain text, numbers, dicts and lists."""
    import datetime as dt

    import numpy as np

    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return [to_jsonable(v) for v in sorted(value)]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if value is pd.NA or value is pd.NaT:  # NaT is a datetime too: before dates
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def script_hash(script: str) -> str:
    """The Content-Security-Policy source that allows exactly this inline script."""
    import base64
    import hashlib

    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def html_page(title: str, body: str, style: str = "", scripts=(), wide: bool = False) -> str:
    """A self-contained HTML page: no external resources, and a Content-Security-Policy that
    forbids loading any.

    ``scripts`` are inlined at the end of the body and allowed by their SHA-256 hashes; no other
    script can run. ``wide`` lets the page use the whole window (for maps).

    Examples
    --------
    >>> page = html_page("A & B", "<p>hi</p>")
    >>> "<title>A &amp; B</title>" in page, "script-src 'none'" in page
    (True, True)
    """
    hashes = " ".join(script_hash(s) for s in scripts) or "'none'"
    csp = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
           f"script-src {hashes}; font-src data:; connect-src 'none'; form-action 'none'; "
           "base-uri 'none'")
    width = "body{max-width:none}" if wide else ""
    tail = "".join(f"<script>{s}</script>\n" for s in scripts)
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{BASE_STYLE}{style}{width}</style>\n"
            f"</head>\n<body>\n{body}\n{tail}</body>\n</html>\n")


# the page's colours come from the palette, written in lower case as CSS usually is
BASE_STYLE = Template("""
body{font-family:Arial,Helvetica,sans-serif;color:$ink;max-width:1100px;margin:2em auto;
padding:0 1em;line-height:1.45}
h1{color:$blue;font-size:1.6em}h2{color:$dark_blue;font-size:1.25em;margin-top:1.6em}
table.netkit{border-collapse:collapse;margin:.5em 0;font-size:.9em}
table.netkit th,table.netkit td{border-bottom:1px solid $rule;padding:.25em .6em;text-align:left;
vertical-align:top}
table.netkit th{background:$panel}
.muted{color:$muted;font-size:.9em}
footer{margin-top:3em;border-top:1px solid $rule;padding-top:.5em;color:$muted;font-size:.85em}
""").substitute({name: colour.lower() for name, colour in (
    ("ink", INK), ("blue", NHS_BLUE), ("dark_blue", NHS_DARK_BLUE), ("rule", RULE),
    ("panel", PANEL), ("muted", INK_MUTED))})
