"""Per-language typography for every text of the brochure.

smarten() fixes plain text, smarten_run() the text tokens of one Markdown paragraph:
quotes, apostrophes, ellipses, en dashes in ranges, spaced dashes and
non-breaking spaces that keep short words and numbers with the next word.

Curly double quotes of another language, as text pasted from a word processor brings them
(English “…” in Polish text, Polish „…” in English), become the language's own where their
place says which they are: an opening quote before a word, a closing one after it. Where the
place does not say (a quote between two spaces or inside a word) the quote is left, and
`check` names it with its line and column (unclear_quotes).

break_long_words() gives a long token break opportunities (a zero-width space): a URL after
its slashes and dots, any other run without spaces every BREAK_EVERY characters, so that
WeasyPrint never lays out a long unbreakable word (its time grows with the cube of the word's
length).

Each language has an ordered table of named rules. The text is cut into
pieces: editable text, and frozen pieces (URLs, e-mail addresses, code) that are
never changed. A rule edits one editable piece at a
time but sees the text on both sides of it, so that "w *Lublinie*" still
binds the "w" although its space ends a text token. Matches that would
cross into a neighbouring piece are left alone.

A rule sees only CONTEXT characters on either side of the piece: every pattern's
lookarounds reach at most a few characters past the piece (a match itself never leaves it),
so a bounded window keeps the results identical and the pass linear in the text's length.
The one rule that needs all of the text before (nested Polish quotes count the open quotes)
carries its count from piece to piece instead.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from ..languages import REFERENCE

LANGS = ("pl", "en")      # the reference languages, with rule tables of their own

NBSP = "\u00a0"
WORD_JOINER = "\u2060"    # no line break after the en dash of a range: "2021–2023" stays whole

# Whitespace a rule may bind across: blanks, or one line break (a soft wrap in
# Markdown prose). Never a blank line, so two paragraphs are never joined.
_GAP = r"(?:[ \t]*\r?\n[ \t]*|[ \t]+)"
# The same, also accepting non-breaking spaces (around dashes).
_GAP_NB = r"(?:[ \t\u00a0]*\r?\n[ \t\u00a0]*|[ \t\u00a0]+)"

MONTHS = {
    "pl": r"(?i:stycz(?:eń|nia|niu)|lut(?:y|ego|ym)|mar(?:zec|ca|cu)"
          r"|kwie(?:cień|tnia|tniu)|maj[au]?|czerw(?:iec|ca|cu)|lip(?:iec|ca|cu)"
          r"|sierp(?:ień|nia|niu)|wrze(?:sień|śnia|śniu)|październik[au]?"
          r"|listopad(?:a|zie)?|grud(?:zień|nia|niu))",
    "en": r"(?:January|February|March|April|May|June|July|August|September"
          r"|October|November|December)",
}

# A rule edits `text` knowing what comes before and after it.
RuleFn = Callable[[str, str, str], str]
# Characters of the neighbouring pieces a rule sees; the widest lookaround is 5 ("2022" after
# a month name and the character after it), so 64 leaves a wide margin.
CONTEXT = 64


@dataclass(frozen=True)
class Rule:
    name: str
    apply: RuleFn
    # A rule that needs everything before the piece: scan(text, state) -> (text, state),
    # called on every piece in order (frozen pieces are only read).
    scan: Callable | None = None


def _sub(pattern: str, repl) -> RuleFn:
    """A rule replacing matches of `pattern` that lie inside the text."""
    rx = re.compile(pattern, re.VERBOSE)

    def apply(text: str, before: str, after: str) -> str:
        whole = before + text + after
        lo, hi = len(before), len(before) + len(text)
        out, last = [], lo
        for m in rx.finditer(whole, lo):  # lookbehinds still see `before`
            if m.start() >= hi:
                break
            if m.end() > hi:
                continue
            out.append(whole[last:m.start()])
            out.append(m.expand(repl) if isinstance(repl, str) else repl(m))
            last = m.end()
        out.append(whole[last:hi])
        return "".join(out)

    return apply


def _range(m: re.Match) -> str:
    left, sep, right = m.groups()
    # "9 lutego 2022 - 3 marca 2023": a year, then a day. The dash joins two
    # dates, not two numbers, so the dash rule gives it spaces instead.
    if " " in sep and len(left) == 4 and left.isdigit() and len(right) <= 2:
        return m.group(0)
    return f"{left}–{WORD_JOINER}{right}"


def _quote_depth(text: str, depth: int = 0) -> int:
    for ch in text:
        if ch in "„«":
            depth += 1
        elif ch in "”»":
            depth = max(depth - 1, 0)
    return depth


def _nest_quotes_pl(text: str, before: str, after: str) -> str:
    """Quotes inside „…” become «…»: „a «b» c”."""
    return _nest_quotes_scan(text, _quote_depth(before))[0]


def _nest_quotes_scan(text: str, depth: int) -> tuple[str, int]:
    out = []
    for ch in text:
        if ch == "„" and depth >= 1:
            ch = "«"
        elif ch == "”" and depth >= 2:
            ch = "»"
        depth = _quote_depth(ch, depth)
        out.append(ch)
    return "".join(out), depth


# Start of text, whitespace, an opening bracket, quote or dash.
_OPENS = r"(?<![^\s(\[{„“«‘–—])"
_NUM = r"\d+(?:[.,]\d+)*"

_SPACES = Rule("spaces", _sub(r"[ ]{2,}", " "))
_ELLIPSIS = Rule("ellipsis", _sub(r"\.\.\.", "…"))
# 2021-2023, 2021 - 2023, 10-12.05.2022, 31.05-3.06.2022; not 2022-05-10,
# not COVID-19, not -5.
_RANGES = Rule("ranges", _sub(
    rf"""(?<![\w.,\-–—]) ({_NUM})
         ( -{{1,2}} | [–—] | [ ]+ (?: -{{1,3}} | [–—] ) [ ]+ )
         ({_NUM}) (?! [\w\-–—] | [.,]\d )""", _range))
# "a - b", "a -- b", "a — b", "a—  b", "a --b", "2022 r.- marzec" -> "a\u00a0– b":
# a dash must not start a line. Unspaced dashes and hyphens stay as they are
# ("publiczno-prywatnym", "PPP—jako", "-5"), and so does a hyphen followed by
# a space after a letter ("średnio- i długoterminowy"). A dash touching a
# digit on one side only is left too: "2022— 3", "x —5".
_DASHES = Rule("dashes", _sub(
    rf"""(?<=\S)
         (?: {_GAP_NB} (?: -{{1,3}} | [–—] ) {_GAP}
           | (?<=[^\d\-–—]) (?: -{{2,3}} | [–—] ) {_GAP}
           | (?<=[.)\]…”»’]) - {_GAP}
           | {_GAP_NB} (?: -{{2,3}} | [–—] ) (?=[^\s\d\-–—])
         )
         (?=\S)""", NBSP + "– "))
# (the straight quotes are typeset before the curly ones that are not the language's: a curly
# quote after a straight one, '"„0', then finds its place as it will on the next pass)
_DOUBLE_QUOTES = {
    "pl": [Rule("ocr-quote", _sub(r"(?<![\w,]),,(?=[^\s,])", "„")),
           Rule("open-quote", _sub(_OPENS + '"', "„")),
           Rule("close-quote", _sub('"', "”")),
           Rule("nested-quotes", _nest_quotes_pl, _nest_quotes_scan)],
    "en": [Rule("open-quote", _sub(_OPENS + '"', "“")),
           Rule("close-quote", _sub('"', "”"))],
}
_SINGLE_QUOTES = {
    "pl": [Rule("apostrophe", _sub("'", "’"))],
    "en": [Rule("decade", _sub(r"'(?=\d\ds\b)", "’")),   # the '90s
           Rule("open-single", _sub(_OPENS + "'", "‘")),
           Rule("apostrophe", _sub("'", "’"))],
}
# Polish one-letter words must not end a line: "w\u00a0domu", "(i\u00a0w\u00a0tym)".
# Only the gap is replaced, so the word may end the previous piece: "<em>w</em> domu".
# "i/lub": no line break after the slash.
_AND_OR = Rule("and-or", _sub(r"(?<![^\W\d_]) i/ (?=lub\b)", "i/" + WORD_JOINER))
# "i) planowaniu", "ii) …": an enumeration label stays with its first word.
_LABEL = Rule("label", _sub(r"(?<!\S) ((?:i{1,3}|iv|vi{0,3})\)) [ ]+ (?=\S)", r"\1" + NBSP))
# "tzw. Sieciach", "np. na energię", "ok. 2 tys.": an abbreviation stays with the word after it.
_ABBREVIATIONS = {
    "pl": r"tzw|np|ok|m\.in|ang|tj|ds|zob|por|ul|im",
    "en": r"e\.g|i\.e|cf",
}


def _abbreviation(lang: str) -> Rule:
    return Rule("abbreviation", _sub(
        rf"(?<![\w.]) ((?i:{_ABBREVIATIONS[lang]})\.) {_GAP} (?=[^\s\-–—])", r"\1" + NBSP))


# Polish breaks a compound at its hyphen only by repeating the hyphen on the next line, which a
# line breaker cannot do: "publiczno-prywatny", "nature-based" are never broken at the hyphen.
_COMPOUND = Rule("compound", _sub(r"(?<=[^\W\d_]) - (?=[^\W\d_])", "-" + WORD_JOINER))
# "14 miesięcy", "500 tys.", "2022 r.", "9 February", "50 %".
_NUMBER_WORD = Rule("number-word", _sub(
    rf"(?<!\w) (\d{{1,4}}) {_GAP} (?=[^\W\d_]|%)", r"\1" + NBSP))


# Curly double quotes as word processors type them; guillemets are not among them (Polish
# nests «…» inside „…”, French quotes with them).
CURLY_DOUBLE = "„“”‟"
_CLOSING_NEXT = r"(?=[\s.,;:!?)\]}…–—/]|\Z)"   # a space, punctuation or the end after it


def _foreign_quotes(opening: str, closing: str) -> Rule:
    """Curly double quotes that are not the language's own: before a word at the place where
    a straight quote opens (_OPENS) they become `opening`, after a word `closing`; the
    language's own quotes are left as typed."""
    others = re.escape("".join(q for q in CURLY_DOUBLE if q not in (opening, closing)))
    pattern = (rf"(?P<open>{_OPENS}[{others}](?=\S))"
               rf"|(?P<close>(?<=\S)[{others}]{_CLOSING_NEXT})")

    def repl(m: re.Match) -> str:
        return opening if m.group("open") else closing
    return Rule("foreign-quotes", _sub(pattern, repl))


def unclear_quotes(text: str, lang: str) -> list:
    """Indexes of the curly double quotes in text that are not the language's own and whose
    place does not say whether they open or close (the typography pass leaves them)."""
    from ..languages import get

    own = get(lang).quotes
    found = []
    for m in re.finditer(f"[{CURLY_DOUBLE}]", text):
        if m.group() in own:
            continue
        before = text[m.start() - 1] if m.start() else " "
        after = text[m.end()] if m.end() < len(text) else " "
        opens = re.fullmatch(r"[\s(\[{„“«‘–—]", before) and not after.isspace()
        closes = not before.isspace() and re.fullmatch(r"[\s.,;:!?)\]}…–—/]", after)
        if not opens and not closes:
            found.append(m.start())
    return found


def months(lang: str) -> str:
    """A pattern of the month names of `lang` (for another language than the reference ones,
    the CLDR names in their format and stand-alone forms)."""
    if lang in MONTHS:
        return MONTHS[lang]
    from ..content.labels import month_names

    names = {n for form in ("wide", "abbreviated") for context in ("format", "stand-alone")
             for n in month_names(lang, form, context) if len(n.rstrip(".")) > 2}
    return "(?i:" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + ")"


def _month_year(lang: str) -> Rule:
    """ "lutego 2022", "February 2022" """
    return Rule("month-year", _sub(
        rf"(?<!\w) ({months(lang)}) {_GAP} (?=\d{{4}}(?!\d))", r"\1" + NBSP))


def _one_letter(letters: str) -> Rule:
    """Single-letter words that must not end a line (Polish: a i o u w z)."""
    return Rule("one-letter", _sub(
        rf"(?<= (?<![^\s(\[{{„“«‘\"']) [{re.escape(letters)}] ) {_GAP} (?=\S)", NBSP))


# A short last word keeps the word before it: no line of one short word ends a paragraph
# ("PPP,", "miast."); the pair fits the narrowest column (a card, 30 characters). A longer last
# word fills enough of its line, and binding it would only push a hyphen into the word before.
# A text shorter than two such lines has no last line to speak of (a label, a heading, a city).
RUNT_PAIR = 28
RUNT_WORD = 10


def _bind_last_word(text: str, before: str, after: str) -> str:
    if after or len(before) + len(text) < 2 * RUNT_PAIR:
        return text
    found = re.search(r"(?<=\S)[ \t]*\r?\n?[ \t]*(?<=\s)(\S+)\s*$", text)
    if found is None or found.start() == 0:
        return text
    words = re.search(r"(\S+)$", text[:found.start()])
    if (words is None or len(found.group(1)) > RUNT_WORD
            or len(words.group(1)) + 1 + len(found.group(1)) > RUNT_PAIR):
        return text
    return text[:found.start()] + NBSP + text[found.start(1):]


_LAST_WORD = Rule("last-word", _bind_last_word)


# Order matters: quotes come before the dash rule (which looks for closing
# quotes), ranges before dashes (a spaced hyphen between numbers is a range),
# and the non-breaking spaces last.
RULES: dict[str, list[Rule]] = {
    "pl": [_SPACES, _ELLIPSIS, *_DOUBLE_QUOTES["pl"][:3], _foreign_quotes(*REFERENCE["pl"].quotes),
           *_DOUBLE_QUOTES["pl"][3:], *_SINGLE_QUOTES["pl"],
           _RANGES, _DASHES, _one_letter(REFERENCE["pl"].one_letter_words), _LABEL, _AND_OR,
           _month_year("pl"), _NUMBER_WORD, _abbreviation("pl"), _COMPOUND, _LAST_WORD],
    "en": [_SPACES, _ELLIPSIS, *_DOUBLE_QUOTES["en"], _foreign_quotes(*REFERENCE["en"].quotes),
           *_SINGLE_QUOTES["en"],
           _RANGES, _DASHES, _LABEL, _month_year("en"), _NUMBER_WORD, _abbreviation("en"), _LAST_WORD],
}


@dataclass
class _Piece:
    text: str
    frozen: bool = False
    seen: str = ""     # what the rules see of a frozen piece

    def context(self) -> str:
        return self.seen if self.frozen else self.text


def _general_rules(language) -> list[Rule]:
    """The rules of a language listed in publication.yaml (languages.py) other than pl, en."""
    opening, closing = language.quotes
    one_letter = [_one_letter(language.one_letter_words)] if language.one_letter_words else []
    return [_SPACES, _ELLIPSIS, Rule("open-quote", _sub(_OPENS + '"', opening)),
            Rule("close-quote", _sub('"', closing)), _foreign_quotes(opening, closing),
            Rule("apostrophe", _sub("'", "’")),
            _RANGES, _DASHES, *one_letter, _LABEL, _month_year(language.code), _NUMBER_WORD,
            _LAST_WORD]


_GENERAL: dict = {}    # Language -> its rules: a language listed again differently gets new ones


def _rules(lang: str) -> list:
    """The rules of `lang` as publication.yaml lists it now (a ValueError for a language
    nobody listed). Keyed by the whole definition, not the code: `watch` reloads a changed
    definition (other quotes) without a restart."""
    from ..languages import get

    language = get(lang)
    if language.reference and lang in RULES:
        return RULES[lang]
    if language not in _GENERAL:
        _GENERAL[language] = _general_rules(language)
    return _GENERAL[language]


def _run(pieces: list[_Piece], lang: str) -> None:
    """Applies the rules of `lang` to the editable pieces, in place (linear time)."""
    for rule in _rules(lang):
        if rule.scan is not None:
            _scan(pieces, rule.scan)
            continue
        afters = _heads(pieces)
        before = ""
        for piece, after in zip(pieces, afters):
            if not piece.frozen:
                piece.text = rule.apply(piece.text, before, after)
            before = (before + piece.context()[-CONTEXT:])[-CONTEXT:]


def _heads(pieces: list[_Piece]) -> list[str]:
    """For each piece, the first CONTEXT characters of the pieces after it."""
    heads, head = [], ""
    for piece in reversed(pieces):
        heads.append(head)
        head = (piece.context()[:CONTEXT] + head)[:CONTEXT]
    return heads[::-1]


def _scan(pieces: list[_Piece], scan) -> None:
    state = 0
    for piece in pieces:
        if piece.frozen:
            state = scan(piece.context(), state)[1]
        else:
            piece.text, state = scan(piece.text, state)


# URLs (without trailing punctuation) and e-mail addresses.
PROTECTED = re.compile(r"""
      (?<!\w) (?:(?:https?|ftp)://|www\.) \S*? (?=[.,;:!?)\]}'"’”»…]*(?:\s|\Z))
    | [\w.+-]+ @ [\w-]+ (?:\.[\w-]+)+
""", re.VERBOSE | re.IGNORECASE)


def _split(text: str) -> list[_Piece]:
    """Pieces of `text`: URLs and e-mail addresses frozen, the rest editable."""
    pieces, last = [], 0
    for m in PROTECTED.finditer(text):
        pieces += _plain(text[last:m.start()])
        pieces.append(_Piece(m.group(), True, m.group()))
        last = m.end()
    return pieces + _plain(text[last:])


def _plain(text: str) -> list[_Piece]:
    return [_Piece(text)] if text else []


def smarten(text: str, lang: str) -> str:
    """Plain text (no HTML) -> typographically correct text in `lang`."""
    return smarten_run([(text, False)], lang)[0]


def smarten_run(parts: list[tuple[str, bool]], lang: str) -> list[str]:
    """The texts of one line of text (a paragraph, a heading, a table cell: the text tokens
    of Markdown's inline token) made typographically correct together, so that a rule sees
    across emphasis and links: "w *Lublinie*". Each part is (text, frozen): frozen text
    (code) is never changed, but the rules see it. Returns the parts' new texts, in order."""
    _rules(lang)
    groups = [[_Piece(text, True, text)] if frozen else _split(text)
              for text, frozen in parts]
    _run([piece for group in groups for piece in group], lang)
    texts = ["".join(piece.text for piece in group) for group in groups]
    return [hold_across(text) if i < len(texts) - 1 else text for i, text in enumerate(texts)]


def hold_across(text: str) -> str:
    """A text that ends with a non-breaking space before an element ("(ang.\u00a0<em>nature"):
    a word joiner after the space. WeasyPrint 70, finding no break at the element's start,
    otherwise hyphenates a word lines earlier and leaves its first half alone on a line
    ("dostrze-" / "gany, a rozwiązania … (ang. nature-based solu-")."""
    return text + WORD_JOINER if text.endswith(NBSP) else text


# --- long tokens --------------------------------------------------------------------------

ZWSP = "\u200b"
LONG_TOKEN = 40          # a run without spaces longer than this gets break opportunities
BREAK_EVERY = 20         # characters between two break opportunities at most
_TOKEN = re.compile(r"\S{%d,}" % (LONG_TOKEN + 1))
_URL_BREAK = re.compile(r"(?<=[/.?&=_#-])(?=[^/.?&=_#\s-])")


def break_long_words(text: str) -> str:
    """text with a zero-width space at the places a long token may break (see the module's
    doc); words of ordinary length are left to hyphenation."""
    return _TOKEN.sub(lambda m: _broken(m.group()), text) if len(text) > LONG_TOKEN else text


def _broken(token: str) -> str:
    pieces = _URL_BREAK.split(token) if PROTECTED.match(token) or "/" in token else [token]
    out = []
    for piece in pieces:
        out += [piece[i:i + BREAK_EVERY] for i in range(0, len(piece), BREAK_EVERY)]
    return ZWSP.join(out)
