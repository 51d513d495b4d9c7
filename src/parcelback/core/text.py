"""What counts as blank text: whitespace, control characters and invisible format characters (zero-width spaces,
BOM, bidi marks), so a required field holding only those is still empty."""
import unicodedata

# Where Unicode puts its format characters: the Basic and Supplementary Multilingual planes, and the tag block.
_PLANES = (range(0x20000), range(0xE0000, 0xE1000))


def invisible(char: str) -> bool:
    """Whitespace, a control character or a format character (zero-width space, BOM, bidi mark...)."""
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf")


def is_blank(text: str | None) -> bool:
    """True when `text` has no visible character (required fields refuse it)."""
    return not text or all(invisible(char) for char in text)


def _format_ranges() -> str:
    """Every Unicode format character (category Cf) as a regex character-class body of literal ranges, so the
    same class reads alike in Python's re, pydantic's Rust engine and an OpenAPI client's engine."""
    ranges, start, last = [], None, None
    for code in (code for plane in _PLANES for code in plane):
        if unicodedata.category(chr(code)) == "Cf":
            if start is not None and code == last + 1:
                last = code
                continue
            if start is not None:
                ranges.append((start, last))
            start = last = code
    ranges.append((start, last))
    return "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in ranges)


FORMAT_CHARS = _format_ranges()
