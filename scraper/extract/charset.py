"""Which encoding an HTML page is really in, when its declarations are missing or wrong.

Scrapy (through w3lib) trusts the HTTP header first, then ``<meta charset>``, and
guesses only when both are absent, with a detector that may pick an encoding no
browser supports. Pages on the web often declare nothing, or the wrong thing:
a windows-1252 page served as UTF-8, a Shift_JIS page served as ISO-8859-1.
Here a declaration is believed only when the body decodes under it cleanly and
reads as plausible text; otherwise the encoding is detected among the ones
browsers support.
"""

from __future__ import annotations

import codecs

import charset_normalizer
from charset_normalizer.md import mess_ratio
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

# The legacy encodings of the WHATWG Encoding Standard (what browsers decode), as Python
# codecs, Western first: when two fit equally well the earlier one wins.
WEB_ENCODINGS = [
    "cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257",
    "cp1258", "cp874", "iso8859_2", "iso8859_5", "iso8859_7", "iso8859_15", "koi8_r",
    "koi8_u", "cp932", "euc_jp", "iso2022_jp", "gb18030", "big5", "euc_kr",
]  # fmt: skip
# Text decoded with the wrong codec reads as a mess of symbols and mixed scripts;
# right decodings of real pages score near 0, wrong ones 0.2 and more.
_MESS_LIMIT = 0.1
# Enough of the body to judge by, without scoring megabytes.
_SAMPLE = 64 * 1024


def html_encoding(body: bytes, content_type: str | None = None) -> str | None:
    """The encoding to decode this HTML body with, or None when it is plain ASCII."""
    bom_encoding, _ = read_bom(body)
    if bom_encoding:
        return bom_encoding
    if body.isascii():
        return None
    if _decodes(body, "utf-8"):
        return "utf-8"  # legacy-encoded text is almost never valid UTF-8 by accident
    sample = body[:_SAMPLE]
    declared = [http_content_type_encoding(content_type or ""), html_body_declared_encoding(sample)]
    for encoding in dict.fromkeys(e for e in declared if e and e != "utf-8"):
        text = _decodes(sample, encoding)
        if text is not None and mess_ratio(text, _MESS_LIMIT) < _MESS_LIMIT:
            return encoding
    best = charset_normalizer.from_bytes(sample, cp_isolation=WEB_ENCODINGS).best()
    return codecs.lookup(best.encoding).name if best else "cp1252"  # the web's own fallback


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """The text of an HTML body, decoded with the encoding it is really in (a BOM wins)."""
    bom_encoding, bom = read_bom(body)
    if bom_encoding:
        return body[len(bom) :].decode(bom_encoding, errors="replace")
    try:
        return body.decode("utf-8")  # most of the web: one pass, no detection
    except UnicodeDecodeError:
        return body.decode(html_encoding(body, content_type) or "utf-8", errors="replace")


def _decodes(body: bytes, encoding: str) -> str | None:
    # A page cut off mid-character still counts as decoding. (A UTF-16 decoder refuses a body
    # without a byte-order mark with a bare UnicodeError, not a UnicodeDecodeError.)
    try:
        return codecs.getincrementaldecoder(encoding)().decode(body, final=False)
    except (UnicodeError, LookupError):
        return None
