"""A page's HTML parsed once into the lxml tree that metadata and body extraction share.

The tree is the one trafilatura's ``load_html`` builds from the same text (same
parser options, same repairs), so extraction results do not change; it is built
for less CPU. ``load_html`` scans the whole page with a regular expression for
characters XML forbids and hands lxml a Python string; here a byte-level check
finds them (few pages have any) and lxml parses UTF-8 bytes, which it reads
faster than a string. One difference: a lone surrogate, which a decoded page never
holds, becomes replacement characters here, where lxml given a string ends the text.
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html

# As trafilatura's own parser: ids are not needed, comments and processing instructions never are.
PARSER = lxml.html.HTMLParser(
    collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True
)
# Every element gets lxml.html's element class from a table in C: lxml.html's own lookup calls
# Python for each element the extractors touch (to give forms and inputs their classes, which
# none of them uses), millions of calls over a page's extraction passes. Same trees, same results.
PARSER.set_element_class_lookup(
    lxml.etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment, pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity
    )
)
# Characters XML forbids: lxml refuses them in the elements trafilatura builds from the tree.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# The same control characters as UTF-8 bytes: all below 0x20 but tab, line feed and carriage return.
_CONTROL_BYTES = bytes(range(0x20)).translate(None, b"\t\n\r")
# U+FFFE and U+FFFF in UTF-8.
_NONCHARACTERS = (b"\xef\xbf\xbe", b"\xef\xbf\xbf")
# libxml2 misreads a page whose doctype holds a slash (an XHTML doctype) on the first line, and a
# self-closed <html/> in the first lines (https://bugs.launchpad.net/lxml/+bug/1955915).
_SLASHED_DOCTYPE = re.compile(rb"^< ?! ?DOCTYPE[^>]*/[^<>]*>")
_SELF_CLOSED_HTML = re.compile(rb"(<html.*?)\s*/>")
# Elements nested deeper than this keep their text, not their tags (libxml2's own limit without huge_tree).
MAX_DEPTH = 256
# The elements MAX_DEPTH levels down (<html> is the first): XPath walks the levels in C, and on
# a page of ordinary depth finds the levels empty long before that.
_DEEPEST = lxml.etree.XPath("/*" * MAX_DEPTH)
_HEAD_LINES = 4
_HEAD_BYTES = 4096


def parse_html(text: str) -> lxml.html.HtmlElement | None:
    """The page's tree, or ``None`` when the text is not HTML at all."""
    data = text.encode("utf-8", "surrogatepass")
    if len(data.translate(None, _CONTROL_BYTES)) != len(data) or any(c in data for c in _NONCHARACTERS):
        data = _NOT_XML.sub("", text).encode("utf-8", "surrogatepass")
    data = _repaired_head(data)
    try:
        tree = lxml.html.fromstring(data, parser=PARSER)
    except lxml.etree.ParserError:  # nothing but blanks
        return None
    # Text that never names html and parses into at most one element is not a page.
    if "html" not in text[:50].lower() and len(tree) < 2:
        return None
    # Elements nested deeper than MAX_DEPTH lose their tags and keep their text: trafilatura handles
    # nested lists by recursion, and lists a thousand deep stopped extraction with a RecursionError.
    # No corpus page nests deeper than 51.
    for element in _DEEPEST(tree):
        lxml.etree.strip_tags(element, "*")
    return tree


def _repaired_head(data: bytes) -> bytes:
    if b"doctype" in data[:50].lower():
        first, _, rest = data.partition(b"\n")
        data = _SLASHED_DOCTYPE.sub(b"", first, count=1) + b"\n" + rest
    for line in data[:_HEAD_BYTES].splitlines()[:_HEAD_LINES]:
        if b"<html" in line and line.endswith(b"/>"):
            return _SELF_CLOSED_HTML.sub(rb"\1>", data, count=1)
    return data
