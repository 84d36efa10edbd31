"""Source text of an operation and positions in it (lines, columns, UTF-16 offsets); the shared
constants and :class:`EditError`."""

import ast
import bisect
import io
import re
import tokenize
import unicodedata




RESOURCE_TYPES = ("Architecture",)
BASIC_TYPES = ("int", "float", "bool", "str", "list", "dict")
_TYPE_ALIASES = {"List": "list", "Sequence": "list", "Tuple": "list", "tuple": "list",
                 "Dict": "dict", "Mapping": "dict", "Any": "any", "object": "any"}
_NL = re.compile(r"\r\n|\r|\n")
_LONE_CR = re.compile(r"\r(?!\n)")


class EditError(Exception):
    """An edit that cannot apply; the message says what to fix."""


# --------------------------------------------------------------------------------------------
# Source text and positions

class Source:
    """The code with line starts, converting ast's UTF-8 byte columns to character offsets."""

    def __init__(self, text):
        self.text = text
        self.bom = 1 if text.startswith("\ufeff") else 0
        self.parse_text = text[1:] if self.bom else text
        starts, ends = [0], []
        for m in _NL.finditer(text):
            ends.append(m.start())
            starts.append(m.end())
        ends.append(len(text))
        self.starts, self.ends = starts, ends
        m = _NL.search(text)
        self.eol = m.group() if m else "\n"
        self.ascii = text.isascii()

    def line(self, lineno):
        return self.text[self.starts[lineno - 1]:self.ends[lineno - 1]]

    def col(self, lineno, bcol):
        """Character column (as the user sees the line) of a byte column from ast."""
        if self.ascii:
            return bcol
        line = self.line(lineno)
        if lineno == 1 and self.bom:
            line = line[1:]
        if line.isascii():
            return bcol
        return len(line.encode("utf-8")[:bcol].decode("utf-8", "replace"))

    def off(self, lineno, bcol):
        base = self.starts[lineno - 1] + (self.bom if lineno == 1 else 0)
        return base + self.col(lineno, bcol)

    def start(self, node):
        return self.off(node.lineno, node.col_offset)

    def end(self, node):
        return self.off(node.end_lineno, node.end_col_offset)

    def segment(self, node):
        return self.text[self.start(node):self.end(node)]

    def lineno_of(self, off):
        return bisect.bisect_right(self.starts, off)

    def line_start(self, off):
        return self.starts[self.lineno_of(off) - 1]

    def line_end(self, off):
        """Offset of the end of the line's content (before its line break)."""
        return self.ends[self.lineno_of(off) - 1]

    def next_line_start(self, off):
        n = self.lineno_of(off)
        return self.starts[n] if n < len(self.starts) else len(self.text)

    def starts_line(self, off):
        return self.text[self.line_start(off):off].strip() == ""

    def rest_blank(self, off):
        rest = self.text[off:self.line_end(off)].strip()
        return rest == "" or rest.startswith("#")

    def indent_of(self, off):
        ls = self.line_start(off)
        line = self.text[ls:self.line_end(off)]
        return line[:len(line) - len(line.lstrip())]

    def tokens(self, start, end):
        """Significant tokens of text[start:end] as (start, end, type, string), absolute offsets."""
        frag = _LONE_CR.sub("\n", self.text[start:end])
        fstarts = [0] + [m.end() for m in re.finditer("\n", frag)]
        out = []
        skip = (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                tokenize.ENDMARKER)
        try:
            for tok in tokenize.generate_tokens(io.StringIO(frag).readline):
                if tok.type in skip:
                    continue
                s = start + fstarts[tok.start[0] - 1] + tok.start[1]
                e = start + fstarts[tok.end[0] - 1] + tok.end[1]
                out.append((s, e, tok.type, tok.string))
        except (tokenize.TokenError, SyntaxError):
            pass  # fragment ended inside a bracket: callers stop at the matching bracket anyway
        return out


def _norm(name):
    return unicodedata.normalize("NFKC", name)


def _ident_len(text, start):
    """Length of the identifier that starts at text[start]."""
    k = start
    while k < len(text) and (text[start:k + 1].isidentifier()):
        k += 1
    return k - start


def _dotted(node):
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _last(dotted):
    return dotted.rsplit(".", 1)[-1] if dotted else None
