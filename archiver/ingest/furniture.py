"""Newspaper furniture in running text: bylines, datelines, date lines and photo credits."""

from __future__ import annotations

import re

from archiver.document.model import Block, DateKind, Figure, How, Paragraph, Value
from archiver.ingest import dates
from archiver.ingest.dates import MONTHS, WRITTEN_DATE
from archiver.ingest.found import Found, split_names

_CREDIT_WORDS = (
    r"foto|foto's|photo|photos|photograph|bild|bilder|beeld|afbeelding|image|illustratie|"
    r"illustration|grafiek|graphic|credit|crédit|crédit photo|fotograaf|photographer|picture"
)
# Whitespace runs in these patterns are bounded ({0,9}): the patterns are searched through whole
# paragraphs, and an unbounded `\s*` in front would make a long run of spaces cost its square.
_S = r"\s{0,9}"
# "(foto: AFP)" glued to the caption's last sentence, or "(Photo: Reuters)".
CREDIT_PAREN = re.compile(
    rf"\((?P<label>(?i:{_CREDIT_WORDS})){_S}(?:[:/]{_S})?(?P<credit>[^()]{{1,60}}?){_S}\){_S}$"
)
# "… in 2002. Foto: ANP" at the end of a caption.
CREDIT_TAIL = re.compile(
    rf"(?<=[.!?…]){_S}(?P<label>(?i:{_CREDIT_WORDS})){_S}:{_S}(?P<credit>[^.:()]{{1,60}}?){_S}$"
)
# Both patterns end at the paragraph's end and match at most ~110 characters: only the tail of a
# long paragraph is searched.
_CREDIT_REACH = 200
# A line of its own: "Foto: ANP".
CREDIT_LINE = re.compile(rf"^\(?(?P<label>(?i:{_CREDIT_WORDS})){_S}:{_S}(?P<credit>[^:()]{{1,60}}?)\)?$")

_BY = r"(?:Door|By|Von|Par|Texte|Text|Tekst)"
_NAME_WORD = (
    r"(?:[A-ZÀ-ÞŁŚŻ][\w'’.-]*|van|de|der|den|von|zu|du|le|la|ten|ter|da|di|and|en|und|et|&|"
    r"onze|our|unserem|unserer|notre|correspondent|correspondant|redacteur|redactie|staff|"
    r"envoyé|spécial|special)"
)
_NAMES = rf"{_NAME_WORD}(?:,?\s+{_NAME_WORD}){{0,9}}"  # "Jan Jansen en Piet de Vries"
BYLINE = re.compile(rf"^{_BY}:?\s+({_NAMES})\.?$")

_DATE = rf"(?i:{WRITTEN_DATE})"
# A byline with the date after it: "By Jane Doe | March 3, 2021", "Door Piet Smit - 12 maart 2021".
BYLINE_DATED = re.compile(
    rf"^{_BY}:?\s+(?P<names>{_NAMES})\s{{0,9}}[|·•,–—-]\s{{0,9}}"
    rf"(?P<date>{_DATE})\.?$"
)
_SEP = r"\s{0,9}(?:[-–—]{1,2}|\.\s{0,9}[-–—]{1,2})\s{1,9}"
_PLACE_CAPS = r"[A-ZÀ-ÞŁŚŻ][A-ZÀ-ÞŁŚŻ'’. -]{1,40}?(?:\s{0,9}\([^()]{1,30}\))?"
# Up to four words of at most 40 characters, separated by single spaces; a hyphen stays inside its
# word ("Aix-en-Provence"). A hyphen that could both end a word and separate words made "Aa-Aa-…"
# cost n⁴ tries.
_PLACE_NAME = r"[A-ZÀ-ÞŁŚŻ][\wà-ÿ'’.-]{1,40}(?: [A-ZÀ-ÞŁŚŻ][\wà-ÿ'’.-]{1,40}){0,3}"
# A wire dateline's day without its year ("LONDON, May 4 (Reuters) -"): part of the dateline, no date.
_DAY_ONLY = rf"(?i:(?:{MONTHS})\.?\s{{1,9}}\d{{1,2}}|\d{{1,2}}\.?\s{{1,9}}(?:{MONTHS})\.?)"
_AGENCY = r"(?:\s{0,9}\([^()\n]{1,30}\))?"  # "(Reuters)", "(AP)" after the place and date
DATELINES = (
    re.compile(
        rf"^(?P<line>(?P<place>{_PLACE_CAPS})(?:,\s{{0,9}}(?:(?P<date>{_DATE})|{_DAY_ONLY}){_AGENCY})?){_SEP}"
    ),
    re.compile(rf"^(?P<line>(?P<place>{_PLACE_NAME}),\s{{0,9}}(?P<date>{_DATE}){_AGENCY}){_SEP}"),
    re.compile(rf"^(?P<line>(?P<date>{_DATE}))\.?{_SEP}"),
)
DATE_LINE = re.compile(rf"^{_DATE}\.?$")
DATE_IN_LINE = re.compile(_DATE)


# Keys that date the text itself in German legal and official texts, and the kind of date each
# gives: "Ausfertigungsdatum: 18.08.1896" (the day a law was signed), "Stand: 01.07.2021".
DATED_KEYS: dict[str, DateKind] = {
    "ausfertigungsdatum": "published",
    "datum": "published",
    "stand": "modified",
}
# "Key: value" on one line, or a Markdown definition list: "Key" then ":   value" on the next.
# Words of the key are separated by single spaces, so that a run of spaces has one way to match.
_DATED_KEY = re.compile(
    r"^([^\W\d_]\w{0,40}(?: \w{1,40}){0,3})[ \t]{0,9}(?:\n[ \t]{0,3})?:[ \t]{1,9}(\S[^\n]{0,80})$"
)


def take_dated_key(block: list[str], found: Found) -> bool:
    """Lift "Ausfertigungsdatum: 18.08.1896" into the dates (the key kept in the method) when the
    whole value is a date; anything else ("Stand: Zuletzt geändert durch …") stays text."""
    m = _DATED_KEY.match("\n".join(line.rstrip() for line in block)) if len(block) <= 2 else None
    kind = DATED_KEYS.get(m.group(1).lower()) if m else None
    if m is None or kind is None or dates.parse(m.group(2), found.lang_hint) is None:
        return False
    key, value = m.group(1), m.group(2)
    found.add_date(value, How("explicit", f"key:{key}", 1.0), kind)
    found.lifted.append(value)
    found.consumed.append(m.group(0).replace(value, "", 1))
    return True


# "Published 2020-02-14 by Tom Reed", "Posted on March 3, 2021", "Bijgewerkt op 12 maart 2021 door Jan
# Smit": a blog's or site's date line, with the author after it; the word says which date it is.
DATE_WORDS: dict[str, DateKind] = {
    "published": "published",
    "posted": "published",
    "gepubliceerd": "published",
    "geplaatst": "published",
    "veröffentlicht": "published",
    "publié": "published",
    "updated": "modified",
    "last updated": "modified",
    "bijgewerkt": "modified",
    "aktualisiert": "modified",
    "mis à jour": "modified",
}
PUBLISHED_LINE = re.compile(
    rf"^(?P<word>(?i:{'|'.join(DATE_WORDS)}))(?:\s{{1,9}}(?i:on|op|am|le))?:?\s{{1,9}}(?P<date>{_DATE})"
    rf"(?:,?\s{{1,9}}(?i:by|door|von|par)\s{{1,9}}(?P<names>{_NAMES}))?\.?$"
)


def take_published_line(text: str, found: Found) -> bool:
    """Lift "Published 2020-02-14 by Tom Reed" into the dates (and authors); True if it was one."""
    m = PUBLISHED_LINE.match(text)
    kind = DATE_WORDS[m.group("word").lower()] if m else None
    if m is None or kind is None or dates.parse(m.group("date"), found.lang_hint) is None:
        return False
    found.add_date(m.group("date"), How("layout", f"date-line:{m.group('word')}", 0.8), kind)
    found.lifted.append(m.group("date"))
    rest = text.replace(m.group("date"), "", 1)
    names = m.group("names")
    if names and found.byline is None:  # the byline keeps the names as written ("Jan en Piet")
        how = How("layout", "byline-pattern", 0.8)
        found.byline = Value(names, how)
        found.authors = found.authors or [Value(n, how) for n in split_names(names)]
        found.lifted.append(names)
        rest = rest.replace(names, "", 1)
    found.consumed.append(rest)  # "Published  by ": the words that say what the values are
    return True


def take_byline(text: str, found: Found) -> bool:
    """Lift "Door Jan Jansen" (or "By Jane Doe | March 3, 2021") into authors, byline and date; True
    if the paragraph was a byline. The byline keeps the whole line as written."""
    m = BYLINE.match(text) or BYLINE_DATED.match(text)
    if not m or found.byline is not None:
        return False
    how = How("layout", "byline-pattern", 0.8)
    found.byline = Value(text, how)
    found.lifted.append(text)
    if not found.authors:
        found.authors = [Value(n, how) for n in split_names(m.group(1).rstrip("."))]
    if m.re is BYLINE_DATED and not any(d.kind == "published" for d in found.dates):
        found.add_date(m.group("date"), How("layout", "byline-date", 0.8))
    return True


def take_date_line(text: str, found: Found) -> bool:
    """Lift a paragraph that is only a date ("Saturday, January 5, 2019") as the dateline."""
    if not DATE_LINE.match(text) or found.dateline is not None:
        return False
    _set_dateline(text.rstrip("."), found)
    found.lifted.append(text)
    return True


def take_dateline(text: str, found: Found) -> str:
    """Lift "PARIS, 20 août 2012 -" from the start of a paragraph; return what remains."""
    if found.dateline is not None:
        return text
    for pattern in DATELINES:
        m = pattern.match(text)
        if not m:
            continue
        place = m.groupdict().get("place")
        if place and (len(place.strip(" .")) < 2 or place.strip() in {"A", "I", "O"}):
            continue
        line = m.group("line").strip()
        rest = text[m.end() :]
        if not rest or not line:
            continue
        _set_dateline(line, found)
        found.lifted.append(line)
        found.consumed.append(text[: m.end()].replace(line, "", 1))
        return rest
    return text


def _set_dateline(line: str, found: Found) -> None:
    found.dateline = Value(line, How("layout", "dateline-pattern", 0.8))
    m = DATE_IN_LINE.search(line)
    if m and not any(d.kind == "published" for d in found.dates):
        found.add_date(m.group(0), How("layout", "dateline", 0.8))


def split_credit(text: str, consumed: list[str]) -> tuple[str, str, str] | None:
    """(caption, credit, its label as written) when a paragraph ends with a photo credit, else None."""
    for pattern in (CREDIT_PAREN, CREDIT_TAIL):
        m = pattern.search(text, max(0, len(text) - _CREDIT_REACH))
        if m and m.start() > 0:
            caption, credit = text[: m.start()].strip(), m.group("credit").strip()
            if caption and credit:
                consumed.append(_markup(m))
                return caption, credit, m.group("label")
    return None


def credit_line(text: str, consumed: list[str]) -> tuple[str, str] | None:
    """(credit, label) of a paragraph that is only a credit line ("Bild: dpa"), else None."""
    m = CREDIT_LINE.match(text)
    if not m:
        return None
    consumed.append(_markup(m))
    return m.group("credit").strip(), m.group("label")


def _markup(m: re.Match[str]) -> str:
    """What a credit match holds besides the credit: the label (kept as the credit's label) and marks."""
    return m.group(0).replace(m.group("credit"), "", 1)


# Web-page titles carry the site or the writer after a separator: "Harbour closes after storm | Jane
# Doe", "… - BBC News", "… — Le Monde". A pipe is never inside a headline; a dash is, so after a dash
# the tail must look like a name.
_TITLE_SEPARATORS = (" | ", " — ", " – ", " - ", " :: ", " · ")
_PARTICLES = {"de", "van", "der", "den", "het", "von", "und", "and", "of", "the", "la", "le", "les", "du",
              "des", "&", "et", "en", "y", "di", "da"}  # fmt: skip
_SITE_WORD = re.compile(
    r"(?i:news|nieuws|nachrichten|times|post|journal|daily|courant|krant|dagblad|zeitung|monde|figaro|"
    r"guardian|tribune|herald|gazette|online|magazine|radio|tv|telegraaf|volkskrant|spiegel|welt|express|"
    r"blog|wiki\w*|libération|liberation|parisien|observer|independent|reuters|press|presse|"
    r"[\w-]{1,63}\.(?:com|nl|de|fr|be|org|net|co\.uk|uk))"
)
_ACRONYM = re.compile(r"^[A-Z]{2,6}$")
MAX_SUFFIX = 40


def _name_like(suffix: str) -> bool:
    """Every word capitalised (or a particle: "van", "the"), or a domain name ("nu.nl")."""
    words = suffix.split()
    if " " not in suffix and "." in suffix:
        return True
    return all(w[:1].isupper() or w.lower() in _PARTICLES for w in words) and bool(words[0][:1].isupper())


def _suffix_kind(suffix: str) -> str | None:
    """ "source", "byline" or None (not a site or a writer) for the text after a title separator."""
    words = suffix.split()
    if not words or len(suffix) > MAX_SUFFIX or len(words) > 5 or re.search(r"[,;:!?]|\.\s", suffix):
        return None
    if not _name_like(suffix):
        return None
    if _SITE_WORD.search(suffix) or any(_ACRONYM.match(w) for w in words):
        return "source"
    if 2 <= len(words) <= 4 and all(
        w.isalpha() or w.replace("-", "").replace("'", "").isalpha() for w in words
    ):
        return "byline"
    return "source"


def split_title(found: Found) -> None:
    """Lift a site or writer after a title separator into source or byline; the title keeps the rest.

    The title as written stays in the document as the field `title-as-written`.
    """
    title = found.title
    if title is None or title.how.method.split(":")[0] in ("mail", "sgml", "gutenberg"):
        return
    text = title.text
    cut = max(((text.rfind(sep), sep) for sep in _TITLE_SEPARATORS), key=lambda c: c[0])
    if cut[0] <= 0:
        return
    head, suffix = text[: cut[0]].strip(), text[cut[0] + len(cut[1]) :].strip()
    if head.count("(") > head.count(")"):
        return  # the separator is inside parentheses: "Dorfbrunnengesetz (Dorfbrunnengesetz - DBrG)"
    kind = _suffix_kind(suffix)
    if (
        kind is None
        or len(head.split()) < 2
        or (cut[1] != " | " and kind == "byline" and len(head.split()) < 4)
    ):
        return
    sure = 0.8 if cut[1] == " | " else 0.6
    how = How("layout", f"title-suffix:{cut[1].strip()}", sure)
    found.title = Value(head, How(title.how.origin, f"{title.how.method}+suffix-split", title.how.confidence))
    found.fields.append(("title-as-written", text))
    if kind == "source" and found.source is None:
        found.source = Value(suffix, how)
    elif kind == "byline" and found.byline is None:
        found.byline = Value(suffix, how)
        if not found.authors:
            found.authors = [Value(suffix, how)]
    else:
        found.fields.append((f"title-suffix-{kind}", suffix))


# A photo caption with no credit: a descriptive line between paragraphs, without closing punctuation,
# longer than a subheading or holding a comma (headings rarely do), or naming who is left and right.
_CLOSING = ".!?…:;\"'”’»)]"
_CAPTION_CUE = re.compile(
    r"(?i:\b(?:links|rechts|left|right|pictured|archiefbeeld|archive photo|v\.l\.n\.r)\b)"
)
MIN_CAPTION_WORDS = 8


def is_caption(text: str) -> bool:
    """Whether a one-paragraph line reads as a photo caption rather than a subheading or prose."""
    if not text or text[-1] in _CLOSING or len(text) > 400 or "\n" in text:  # most paragraphs end here
        return False
    if len(text.split()) < MIN_CAPTION_WORDS:
        return False
    return len(text) > 100 or "," in text or bool(_CAPTION_CUE.search(text))


def captions(blocks: list[Block]) -> list[Block]:
    """Paragraphs between paragraphs that read as uncredited captions become figures."""
    out: list[Block] = []
    last = len(blocks) - 1
    for i, block in enumerate(blocks):
        if (
            isinstance(block, Paragraph)
            and not block.em
            and 0 < i < last
            and is_caption(block.text)
            and isinstance(blocks[i - 1], Paragraph | Figure)
            and isinstance(blocks[i + 1], Paragraph)
        ):
            out.append(Figure(block.text))
        else:
            out.append(block)
    return out
