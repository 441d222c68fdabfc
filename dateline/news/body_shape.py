"""The shape of an HTML fragment, bounded before the sanitiser parses it.

nh3 parses with html5ever, whose tree builder walks the stack of open elements for many
tokens: every block start tag looks down the stack for a paragraph to close, `<li>` for a
list item to close, an end tag for its element. Its work is tokens × depth. Measured on
nh3 alone: 60,000 nested `<blockquote>` took 13 s (36 s for 100,000 through a save);
20,000 nested `<span>` then 20,000 `<div></div>` took 12 s; formatting left open is
re-created in every block that follows, so 20 bold tags left open before 200,000 short
paragraphs made 70 MB from 1.6 MB in 5 s.

`balanced` reads the fragment once with the tokenizer's rules and follows the tree
builder's rules for what opens and closes elements (closing paragraphs, list items,
headings and table parts, re-creating formatting left open, ignoring what it ignores),
keeping its own stack. What it hands to nh3 is that tree written out explicitly: every
element it closed gets its end tag at that point, every row and table body the tree
builder would add is written in, and nothing is left for html5ever to close on its own.
So html5ever builds the same tree, with a stack no deeper than ours, and ours is capped,
as is the formatting re-created. A fragment beyond the caps is refused (`BodyRefused`)
after one pass with bounded work per tag: the 100,000-deep one at its 101st tag.

Where these rules are simpler than html5ever's they close early, never late: an early
close is an end tag html5ever follows, so the bound holds whatever the input, and only the
grouping of malformed markup may differ from a browser's (misnested bold around a
paragraph closes the paragraph inside it). Comments, `<form>` and document-level tags are
left out (nh3 drops or unwraps them); script, style, iframe, textarea and title are
written out empty, and SVG, MathML, templates and selects are left out with their content,
as nh3 removes them.
"""

from __future__ import annotations

import re

# Deeper than any story needs (a quotation in a list in a table cell is six or seven), far
# below where html5ever's walks cost anything noticeable.
MAX_DEPTH = 100
# Bold, italic, links… open at once, counting those left open to be re-created.
MAX_FORMATTING = 24
# Formatting re-created in later blocks, over the whole fragment (one bold tag left open in
# a 5,000-paragraph story is 5,000).
MAX_RECREATED = 20_000


class BodyRefused(ValueError):
    """The text cannot be stored as it is; the message says why, for the person at the
    desk or an importer's `failed` line."""


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


VOID = _names(
    "area base basefont bgsound br col embed frame hr image img input keygen link meta "
    "param source track wbr"
)
# Left out: a fragment has no document around it, and nh3 unwraps a form (whose start
# still closes an open paragraph, as the tree builder does).
LEFT_OUT = _names("html head body frameset form")
# Raw text: the tokenizer reads everything up to `</name` as text (nh3's parser runs with
# scripting on, so <noscript> too). nh3 removes the first six with their content and
# unwraps the others, keeping their text.
RAW_EMPTIED = _names("script style iframe textarea title noscript")
RAW_KEPT = _names("xmp noembed noframes")
# Removed by nh3 with everything in them; the tree builder's rules inside differ from the
# body's, so their content is stepped over rather than followed.
FOREIGN = _names("svg math")
STEPPED_OVER = FOREIGN | _names("template select")
FORMATTING = _names("a b big code em font i nobr s small strike strong tt u")
SPECIAL = _names(
    "address applet area article aside base basefont bgsound blockquote body br button "
    "caption center col colgroup dd details dir div dl dt embed fieldset figcaption figure "
    "footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html iframe img "
    "input keygen li link listing main marquee menu meta nav noembed noframes noscript "
    "object ol p param plaintext pre script search section select source style summary "
    "table tbody td template textarea tfoot th thead title tr track ul wbr xmp"
)
# "Has an element in scope" stops at these.
SCOPE = _names("applet caption html table td th marquee object template")
CLOSES_P = _names(
    "address article aside blockquote center details dialog dir div dl fieldset figcaption "
    "figure footer header hgroup main menu nav ol p search section summary ul h1 h2 h3 h4 "
    "h5 h6 pre listing li dd dt plaintext table hr xmp"
)
HEADINGS = _names("h1 h2 h3 h4 h5 h6")
MARKERS = _names("applet marquee object td th caption")
IMPLIED_END = _names("dd dt li optgroup option p rb rp rt rtc")
TABLE_PARTS = _names("caption col colgroup tbody tfoot thead tr td th")
SECTIONS = _names("tbody thead tfoot")
TABLE_CONTEXT = _names("table tbody thead tfoot tr td th caption colgroup")
OWN_RULES = _names("li dd dt a nobr button option optgroup rb rtc rp rt")
# After these, formatting left open is not re-created (blocks, table parts, void tags).
NO_RECREATE = CLOSES_P | TABLE_PARTS | VOID | _names("table")
# In SVG or MathML, these leave it for HTML again.
BREAKOUT = _names(
    "b big blockquote body br center code dd div dl dt em embed h1 h2 h3 h4 h5 h6 head hr i "
    "img li listing menu meta nobr ol p pre ruby s small span strong strike sub sup table tt "
    "u ul var"
)
INTEGRATION = _names("foreignobject desc title mi mo mn ms mtext annotation-xml")

_VOID, _CLOSES_P, _FORMATTING, _SPECIAL, _SCOPE, _MARKER = 1, 2, 4, 8, 16, 32
_TABLE, _HEADING, _NO_RECREATE, _OWN_RULES = 64, 128, 256, 512
_KIND: dict[str, int] = {}
for _flag, _set in (
    (_VOID, VOID),
    (_CLOSES_P, CLOSES_P),
    (_FORMATTING, FORMATTING),
    (_SPECIAL, SPECIAL),
    (_SCOPE, SCOPE),
    (_MARKER, MARKERS),
    (_TABLE, TABLE_PARTS | {"table"}),
    (_HEADING, HEADINGS),
    (_NO_RECREATE, NO_RECREATE),
    (_OWN_RULES, OWN_RULES),
):
    for _name in _set:
        _KIND[_name] = _KIND.get(_name, 0) | _flag

# Most tags, read at once: a name and attributes whose values are quoted or plain. The
# quantifiers are possessive, so a tag that does not fit costs one pass over it and goes
# to `_attributes`, which reads it as the tokenizer does.
_SIMPLE_TAG = re.compile(
    r"<(/?)([A-Za-z][^\t\n\f\r />]*+)"
    r"((?:[\t\n\f\r ]++[^\t\n\f\r />\"'=]++"
    r"(?:[\t\n\f\r ]*+=[\t\n\f\r ]*+(?:\"[^\"]*+\"|'[^']*+'|[^\t\n\f\r >\"']++))?)*+)"
    r"[\t\n\f\r ]*+>"
)
_SPACE_OR_SLASH = re.compile(r"[\t\n\f\r /]*")
_TAG_NAME = re.compile(r"[^\t\n\f\r />]*")
_ATTR_NAME = re.compile(r"=?[^\t\n\f\r />=]*")
_EQUALS = re.compile(r"[\t\n\f\r ]*=[\t\n\f\r ]*")
_UNQUOTED = re.compile(r"[^\t\n\f\r >]*")
_SAFE_ATTR = re.compile(r"[a-z_:][-a-z0-9_:.]*\Z")
_SCRIPT_TOKENS = re.compile(r"<!--|-->|</?script(?=[\t\n\f\r />])", re.IGNORECASE)


class _Element:
    __slots__ = ("name", "tag", "kind", "entry")

    def __init__(self, name: str, tag: str, kind: int):
        self.name = name
        self.tag = tag  # its start tag as written out
        self.kind = kind
        self.entry: _Entry | None = None  # its place in the active formatting list


class _Entry:
    """An element in the list of active formatting elements."""

    __slots__ = ("name", "tag", "element")

    def __init__(self, name: str, tag: str, element: _Element | None):
        self.name = name
        self.tag = tag
        self.element = element  # None once closed by another's end: re-created later


class _Tree:
    def __init__(self) -> None:
        self.out: list[str] = []
        self.stack: list[_Element] = []
        # Positions in the stack per name and of the special and scope elements, so that
        # what the tree builder finds by walking the stack is found here without a walk.
        self.at: dict[str, list[int]] = {}
        self.special: list[int] = []
        self.scope: list[int] = []
        # The list of active formatting elements, one per marker (table cell, object).
        self.formatting: list[list[_Entry]] = [[]]
        self.recreated = 0

    # --- the stack ---------------------------------------------------------------------

    def topmost(self, name: str) -> int:
        positions = self.at.get(name)
        return positions[-1] if positions else -1

    def topmost_of(self, names) -> int:
        return max([self.topmost(n) for n in names])

    def push(self, name: str, tag: str, kind: int) -> _Element:
        stack = self.stack
        index = len(stack)
        if index >= MAX_DEPTH:
            raise BodyRefused(
                f"the text is nested more than {MAX_DEPTH} levels deep (quotations, lists or "
                "other elements inside each other): flatten it before saving"
            )
        element = _Element(name, tag, kind)
        stack.append(element)
        positions = self.at.get(name)
        if positions is None:
            self.at[name] = [index]
        else:
            positions.append(index)
        if kind & (_SPECIAL | _SCOPE | _MARKER):
            if kind & _SPECIAL:
                self.special.append(index)
            if kind & _SCOPE:
                self.scope.append(index)
            if kind & _MARKER:
                self.formatting.append([])
        self.out.append(tag)
        return element

    def pop(self) -> None:
        element = self.stack.pop()
        kind = element.kind
        self.at[element.name].pop()
        if kind & (_SPECIAL | _SCOPE | _MARKER):
            if kind & _SPECIAL:
                self.special.pop()
            if kind & _SCOPE:
                self.scope.pop()
            if kind & _MARKER:
                self.formatting.pop()
        if element.entry is not None:
            element.entry.element = None  # closed by another's end: re-created later
        self.out.append(f"</{element.name}>")

    def pop_through(self, index: int) -> None:
        while len(self.stack) > index:
            self.pop()

    def in_scope(self, name: str, *extra: str) -> int:
        """Position of the topmost `name` if it is in scope (no boundary above it)."""
        index = self.topmost(name)
        if index < 0:
            return -1
        # The element may itself be a boundary (a table cell, an object): it is found first.
        boundary = self.scope[-1] if self.scope else -1
        for name in extra:
            boundary = max(boundary, self.topmost(name))
        return index if index >= boundary else -1

    def close_p(self) -> None:
        index = self.in_scope("p", "button")
        if index >= 0:
            self.pop_through(index)

    def leave_colgroup(self) -> None:
        # A column group holds only columns: anything else closes it first.
        if self.at.get("colgroup") and self.stack[-1].name == "colgroup":
            self.pop()

    # --- formatting ----------------------------------------------------------------------

    def add_formatting(self, element: _Element) -> None:
        active = self.formatting[-1]
        alike = [e for e in active if e.tag == element.tag]
        if len(alike) >= 3:  # the tree builder keeps at most three alike ("Noah's Ark")
            active.remove(alike[0])
        entry = _Entry(element.name, element.tag, element)
        element.entry = entry
        active.append(entry)
        if len(active) > MAX_FORMATTING:
            raise BodyRefused(
                f"the text has more than {MAX_FORMATTING} bold, italic, link or other "
                "formatting elements open at once: close them, or paste it as plain text"
            )

    def forget_formatting(self, element: _Element) -> None:
        entry = element.entry
        if entry is not None:
            for active in self.formatting:
                if entry in active:
                    active.remove(entry)
                    break
            element.entry = None

    def recreate(self) -> None:
        """Formatting closed by another element's end is opened again where text or an
        inline element follows, as the tree builder does."""
        active = self.formatting[-1]
        start = len(active)
        while start > 0 and active[start - 1].element is None:
            start -= 1
        for entry in active[start:]:
            self.recreated += 1
            if self.recreated > MAX_RECREATED:
                raise BodyRefused(
                    "the text leaves bold, italic or other formatting open across too many "
                    "paragraphs: close it, or paste it as plain text"
                )
            element = self.push(entry.name, entry.tag, _KIND[entry.name])
            element.entry = entry
            entry.element = element

    # --- tokens --------------------------------------------------------------------------

    def text(self, text: str) -> None:
        if self.at.get("colgroup") and not text.isspace():
            self.leave_colgroup()
        active = self.formatting[-1]
        if active and active[-1].element is None:
            self.recreate()
        self.out.append(text)

    def start(self, name: str, tag: str) -> None:
        kind = _KIND.get(name, 0)
        if name != "col" and self.at.get("colgroup"):
            self.leave_colgroup()
        if kind & _TABLE and not self.table_start(name):
            return  # a table part outside any table: the tree builder ignores it
        if kind & _OWN_RULES and not self.own_rules(name):
            return
        if not kind & _NO_RECREATE:
            active = self.formatting[-1]
            if active and active[-1].element is None:
                self.recreate()
        if kind & _CLOSES_P:
            self.close_p()
            if kind & _HEADING and self.stack and self.stack[-1].kind & _HEADING:
                self.pop()
        if kind & _VOID:
            self.out.append(tag)
            return
        element = self.push(name, tag, kind)
        if kind & _FORMATTING:
            self.add_formatting(element)

    def own_rules(self, name: str) -> bool:
        """What a list item, a link, a button… closes before it opens. False when the
        tag is left out."""
        if name in ("li", "dd", "dt"):
            closes = ("li",) if name == "li" else ("dd", "dt")
            index = self.topmost_of(closes)
            # Walking down the stack, an open item closes unless a special element other
            # than address, div and p comes first.
            if index >= 0 and all(
                self.stack[i].name in ("address", "div", "p")
                for i in reversed(self.special)
                if i > index
            ):
                self.pop_through(index)
        elif name == "a":
            for entry in reversed(self.formatting[-1]):
                if entry.name != "a":
                    continue
                if entry.element is None:
                    self.formatting[-1].remove(entry)
                else:
                    index = self.stack.index(entry.element)
                    if self.scope and index < self.scope[-1]:
                        # html5ever would take the open link out of the middle of its
                        # stack; rather than follow it there, this link is left out.
                        return False
                    self.forget_formatting(entry.element)
                    self.pop_through(index)
                break
        elif name in ("nobr", "button"):
            index = self.in_scope(name)
            if index >= 0:
                self.forget_formatting(self.stack[index])
                self.pop_through(index)
        elif name in ("option", "optgroup"):
            if self.stack and self.stack[-1].name == "option":
                self.pop()
        elif self.in_scope("ruby") >= 0:  # rb, rtc, rp, rt
            implied = IMPLIED_END - {"rtc"} if name in ("rp", "rt") else IMPLIED_END | {"rtc"}
            while self.stack and self.stack[-1].name in implied:
                self.pop()
        return True

    def table_start(self, name: str) -> bool:
        """Table parts open only inside a table, with the rows and bodies the tree builder
        would add written out; what a new part closes is closed first. False when the tag
        is ignored (a part outside any table)."""
        if self.topmost("table") < 0:
            return name == "table"
        while True:
            context = self.topmost_of(TABLE_CONTEXT)
            if context < 0:
                return True  # no table left open: a new one
            kind = self.stack[context].name
            if kind in ("td", "th", "caption"):
                if name == "table":
                    return True  # a table in a cell
                self.pop_through(context)  # close the cell, then read the tag again
            elif kind == "colgroup":
                if name == "col":
                    return True
                self.pop_through(context)
            elif kind == "tr":
                if name in ("td", "th"):
                    self.pop_through(context + 1)
                    return True
                self.pop_through(context)
            elif kind in SECTIONS:
                if name in ("tr", "td", "th"):
                    self.pop_through(context + 1)
                    if name != "tr":
                        self.push("tr", "<tr>", _KIND["tr"])
                    return True
                self.pop_through(context)
            elif name == "table":  # a table in a table, not in a cell: ends the first
                self.pop_through(context)
            else:
                self.pop_through(context + 1)
                if name in ("td", "th", "tr"):
                    self.push("tbody", "<tbody>", _KIND["tbody"])
                    if name != "tr":
                        self.push("tr", "<tr>", _KIND["tr"])
                elif name == "col":
                    self.push("colgroup", "<colgroup>", _KIND["colgroup"])
                return True

    def end(self, name: str) -> None:
        kind = _KIND.get(name, 0)
        if name == "br":
            self.start("br", "<br>")
            return
        if kind & _FORMATTING:
            self.end_formatting(name)
            return
        index = self.closed_by(name)
        if index >= 0:
            self.pop_through(index)

    def closed_by(self, name: str) -> int:
        """Where the end tag `name` closes the stack from (not a formatting element's), or
        -1 when the tree builder ignores it."""
        kind = _KIND.get(name, 0)
        if name == "p":
            index = self.in_scope("p", "button")
        elif name == "li":
            index = self.in_scope("li", "ol", "ul")
        elif kind & _HEADING:
            index = max([self.in_scope(h) for h in HEADINGS])
        elif kind & _TABLE:
            index = self.topmost(name)
            if name != "table" and index < self.topmost("table"):
                index = -1  # not a part of the innermost table
        elif kind & _SPECIAL:
            index = self.in_scope(name)
        else:
            index = self.topmost(name)
            if self.special and self.special[-1] > index:
                index = -1  # a special element is open inside it: the end tag is ignored
        return index

    def end_formatting(self, name: str) -> None:
        index = self.topmost(name)
        if index < 0:
            # Not open: a copy waiting to be re-created is dropped (the adoption agency).
            active = self.formatting[-1]
            for entry in reversed(active):
                if entry.name == name and entry.element is None:
                    active.remove(entry)
                    break
            return
        if self.scope and index < self.scope[-1]:
            return  # open outside the table cell (or object) this is in: ignored
        reopen = [e for e in self.stack[index + 1 :] if e.kind & _SPECIAL]
        self.forget_formatting(self.stack[index])
        self.pop_through(index)
        # Blocks open inside it go on after it: what the adoption agency does with
        # misnested formatting, written out as new blocks.
        for block in reopen:
            self.push(block.name, block.tag, block.kind)


def _attributes(source: str, pos: int) -> tuple[list[tuple[str, str]], int, bool] | None:
    """A tag's attributes from `pos` to its `>`, read as the tokenizer reads them: (pairs,
    position after the tag, self-closing), or None when the text ends inside the tag (the
    tokenizer then drops it)."""
    pairs: list[tuple[str, str]] = []
    end = len(source)
    while True:
        gap = _SPACE_OR_SLASH.match(source, pos)
        pos = gap.end()
        if pos >= end:
            return None
        if source[pos] == ">":
            return pairs, pos + 1, gap.group().endswith("/")
        name = _ATTR_NAME.match(source, pos)
        pos = name.end()
        value = ""
        equals = _EQUALS.match(source, pos)
        if equals:
            pos = equals.end()
            if pos >= end:
                return None
            quote = source[pos]
            if quote in "\"'":
                close = source.find(quote, pos + 1)
                if close < 0:
                    return None
                value = source[pos + 1 : close]
                pos = close + 1
            elif quote != ">":
                unquoted = _UNQUOTED.match(source, pos)
                value = unquoted.group()
                pos = unquoted.end()
        pairs.append((name.group().lower(), value))


def _start_tag(name: str, pairs: list[tuple[str, str]]) -> str:
    if not pairs:
        return f"<{name}>"
    seen = set()
    parts = [f"<{name}"]
    for attr, value in pairs:
        if attr in seen or not _SAFE_ATTR.match(attr):
            continue  # the tokenizer keeps the first of two alike; odd names nh3 drops
        seen.add(attr)
        parts.append(f' {attr}="{value.replace(chr(34), "&quot;")}"')
    return "".join(parts) + ">"


def _tag_end(source: str, pos: int) -> int:
    parsed = _attributes(source, pos)
    return len(source) if parsed is None else parsed[1]


def _raw_end(source: str, pos: int, name: str) -> tuple[int, int]:
    """Where a raw-text element's content ends, and where its end tag ends."""
    if name == "script":
        return _script_end(source, pos)
    match = re.compile(rf"</{name}(?=[\t\n\f\r />])", re.IGNORECASE).search(source, pos)
    if match is None:
        return len(source), len(source)
    return match.start(), _tag_end(source, match.end())


def _script_end(source: str, pos: int) -> tuple[int, int]:
    """A script's content ends at `</script` unless `<!--<script>` escaped it (the
    tokenizer's script data states)."""
    state = "data"
    for match in _SCRIPT_TOKENS.finditer(source, pos):
        token = match.group().lower()
        if token == "<!--":
            following = source[match.end() : match.end() + 2]
            if following.startswith(">") or following == "->":
                state = "data"
            elif state == "data":
                state = "escaped"
        elif token == "-->":
            state = "data"
        elif token == "<script":
            if state == "escaped":
                state = "double"
        elif state == "double":  # </script
            state = "escaped"
        else:
            return match.start(), _tag_end(source, match.end())
    return len(source), len(source)


def _tags(source: str, pos: int):
    """The tags from `pos` on, read as the tokenizer reads them (quoted attributes, comments,
    raw text), as (start, end, closing, name, self-closing)."""
    while True:
        lt = source.find("<", pos)
        if lt < 0:
            return
        following = source[lt + 1 : lt + 2]
        closing = following == "/"
        first = source[lt + 2 : lt + 3] if closing else following
        if first.isascii() and first.isalpha():
            name_match = _TAG_NAME.match(source, lt + 2 if closing else lt + 1)
            parsed = _attributes(source, name_match.end())
            if parsed is None:
                return
            name = name_match.group().lower()
            pos = parsed[1]
            yield lt, pos, closing, name, parsed[2]
            if not closing and (name in RAW_EMPTIED or name in RAW_KEPT):
                pos = _raw_end(source, pos, name)[1]
        elif source.startswith("<!--", lt):
            pos = _comment_end(source, lt)
        elif closing and first == ">":
            pos = lt + 3
        elif following in ("!", "?") or closing:
            pos = _tag_end_plain(source, lt + 2)  # a bogus comment
        else:
            pos = lt + 1


def _step_over(source: str, pos: int, name: str, tree: _Tree) -> int:
    """Past the element `name` (STEPPED_OVER) whose start tag ends at `pos`: past its end
    tag, or where the tree builder ends it. For SVG and MathML, that is also an HTML tag
    such as <p>, or an end tag that closes an HTML element they are in, which is then read
    again."""
    if name == "select":
        for lt, end, closing, tag, _ in _tags(source, pos):
            if closing and tag == "select":
                return end
            if not closing and tag in ("select", "input", "keygen", "textarea"):
                return lt
        return len(source)
    if name == "template":
        depth = 1
        for _, end, closing, tag, _ in _tags(source, pos):
            if tag == "template":
                depth += -1 if closing else 1
                if depth == 0:
                    return end
        return len(source)
    # Foreign elements nest; in an integration point (foreignObject, mtext…) HTML content
    # follows and is stepped over with it.
    open_names = [name]
    for lt, end, closing, tag, self_closing in _tags(source, pos):
        top = open_names[-1]
        if closing:
            if tag in open_names and (tag == top or top not in INTEGRATION):
                del open_names[len(open_names) - 1 - open_names[::-1].index(tag) :]
                if not open_names:
                    return end
            elif top not in INTEGRATION and (tag in ("p", "br") or tree.closed_by(tag) >= 0):
                return lt
        elif top in INTEGRATION:
            if tag in FOREIGN and not self_closing:
                open_names.append(tag)
        elif tag in BREAKOUT:
            return lt
        elif not self_closing:
            open_names.append(tag)
    return len(source)


# The stored body's own vocabulary, and the wrappers imports bring most: markup in these,
# closed as it was opened, is the tree html5ever builds, with nothing closed or re-created
# on its own (see `_plain`).
PLAIN_INLINE = _names("a abbr b cite code em i q s small span strong sub sup u")
PLAIN_BLOCKS = _names("p h1 h2 h3 h4 h5 h6 blockquote ul ol li figure figcaption div section")
PLAIN_VOID = _names("br img")
_PLAIN_TAG = re.compile(_SIMPLE_TAG.pattern + "|<")


def _plain(source: str) -> bool:
    """Whether `source` is markup html5ever builds exactly as written, within the depth
    limit: every tag a plain one from the vocabulary above, each closed by its own end tag
    in order, and none of the cases where the tree builder closes or re-creates something
    itself (a block or paragraph opened inside a paragraph, a list item inside a list item
    without its own list, a heading in a heading, a link in a link). Stored bodies are
    such markup, so the common save reads each tag once and nothing more."""
    stack: list[str] = []
    paragraphs = links = headings = 0
    for match in _PLAIN_TAG.finditer(source):
        closing, name = match.group(1, 2)
        if not name:
            return False  # a "<" that is not a plain tag: comment, odd attribute, text
        name = name.lower()
        if closing:
            if not stack or stack[-1] != name:
                return False
            stack.pop()
            if name == "p":
                paragraphs -= 1
            elif name == "a":
                links -= 1
            elif name in HEADINGS:
                headings -= 1
        elif name in PLAIN_INLINE:
            if name == "a":
                if links:
                    return False
                links += 1
            stack.append(name)
        elif name in PLAIN_BLOCKS:
            if paragraphs or (name in HEADINGS and headings):
                return False
            if name == "li":
                for open_name in reversed(stack):
                    if open_name == "li":
                        return False
                    if open_name in ("ul", "ol", "blockquote", "figure", "section", "li"):
                        break
            if name == "p":
                paragraphs += 1
            elif name in HEADINGS:
                headings += 1
            stack.append(name)
        elif name not in PLAIN_VOID:
            return False
        if len(stack) > MAX_DEPTH:
            return False
    return True


def balanced(fragment: str) -> str:
    """`fragment` as the tree it makes, written out with every element closed explicitly;
    BodyRefused when it is nested deeper, or keeps more formatting open, than a story can."""
    source = fragment or ""
    if _plain(source):
        return source
    tree = _Tree()
    text, start, end_tag = tree.text, tree.start, tree.end
    simple = _SIMPLE_TAG.match
    end = len(source)
    pos = 0
    while pos < end:
        lt = source.find("<", pos)
        if lt < 0:
            text(source[pos:])
            break
        if lt > pos:
            text(source[pos:lt])
        pos = lt
        tag = simple(source, lt)
        if tag is not None and not tag.group(3).strip() and not tag.group(1):
            name = tag.group(2).lower()  # the common case: <p>, <em>, <li>
            pos = tag.end()
            if name not in LEFT_OUT and name not in STEPPED_OVER and name not in RAW_EMPTIED:
                if name not in RAW_KEPT and name not in ("plaintext", "image"):
                    start(name, f"<{name}>")
                    continue
            pos = lt  # the others take the long way
        elif tag is not None and tag.group(1):
            name = tag.group(2).lower()
            pos = tag.end()
            if name not in LEFT_OUT:
                end_tag(name)
            continue
        following = source[lt + 1 : lt + 2]
        if following.isascii() and following.isalpha():
            name_match = _TAG_NAME.match(source, lt + 1)
            parsed = _attributes(source, name_match.end())
            if parsed is None:
                break  # a tag cut off by the end of the text is dropped
            pairs, pos, self_closing = parsed
            name = name_match.group().lower()
            name = "img" if name == "image" else name
            if name in LEFT_OUT:
                if name == "form":
                    tree.close_p()
                continue
            if name in STEPPED_OVER:
                # A self-closed <svg/> or <math/> is empty; anything else runs to its end.
                if not (self_closing and name in FOREIGN):
                    pos = _step_over(source, pos, name, tree)
                continue
            if name == "plaintext":
                # Everything after it is text, end tags included: nothing is closed after.
                start(name, "<plaintext>")
                tree.out.append(source[pos:])
                return "".join(tree.out)
            if name in RAW_EMPTIED or name in RAW_KEPT:
                content_start = pos
                content_end, pos = _raw_end(source, content_start, name)
                start(name, _start_tag(name, pairs))
                if name in RAW_KEPT:
                    tree.out.append(source[content_start:content_end])
                end_tag(name)
                continue
            start(name, _start_tag(name, pairs))
        elif following == "/":
            after = source[lt + 2 : lt + 3]
            if after.isascii() and after.isalpha():
                name_match = _TAG_NAME.match(source, lt + 2)
                pos = _tag_end(source, name_match.end())
                name = name_match.group().lower()
                if name not in LEFT_OUT:
                    end_tag(name)
            elif after == ">":
                pos = lt + 3
            else:
                pos = _tag_end_plain(source, lt + 2)  # a bogus comment
        elif following == "!":
            if source.startswith("<!--", lt):
                pos = _comment_end(source, lt)
            else:
                pos = _tag_end_plain(source, lt + 2)
        elif following == "?":
            pos = _tag_end_plain(source, lt + 2)
        else:
            # A "<" that starts nothing is text; written as a reference, so that it cannot
            # start a tag with whatever is written after it.
            text("&lt;")
            pos = lt + 1
    tree.pop_through(0)
    return "".join(tree.out)


def _tag_end_plain(source: str, pos: int) -> int:
    close = source.find(">", pos)
    return len(source) if close < 0 else close + 1


def _comment_end(source: str, lt: int) -> int:
    if source.startswith(">", lt + 4):
        return lt + 5
    if source.startswith("->", lt + 4):
        return lt + 6
    ends = [i + len(mark) for mark in ("-->", "--!>") if (i := source.find(mark, lt + 4)) >= 0]
    return min(ends) if ends else len(source)
