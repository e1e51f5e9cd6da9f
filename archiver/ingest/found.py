"""What readers find while parsing: metadata values plus the source text they account for."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from archiver.document.model import DateKind, DateValue, Fields, How, Identifier, Value
from archiver.errors import Problem
from archiver.ingest import dates

# Date keys by language: numeric dates under a key of a language other than English are read day
# first ("Fecha: 03/04/2021" is 3 April).
DATE_KEYS: dict[str, tuple[str, ...]] = {
    "en": ("date", "published", "pubdate", "publication date", "created"),
    "nl": ("datum", "gepubliceerd", "publicatiedatum"),
    "de": ("veröffentlicht", "ausfertigungsdatum"),
    "fr": ("publié", "date de publication"),
    "es": ("fecha", "fecha de publicación", "publicado"),
    "it": ("data", "data di pubblicazione", "pubblicato"),
    "pt": ("data de publicação",),
}
MODIFIED_KEYS: dict[str, tuple[str, ...]] = {
    "en": ("updated", "modified"),
    "nl": ("bijgewerkt", "gewijzigd"),
    "de": ("aktualisiert",),
    "fr": ("mis à jour",),
    "es": ("actualizado",),
    "it": ("aggiornato",),
    "pt": ("atualizado",),
}
# Header keys in the languages we meet (en, nl, de, fr, es, it, pt), mapped to our field names.
FIELD_KEYS: dict[str, tuple[str, ...]] = {
    "title": (
        "title",
        "titel",
        "titre",
        "headline",
        "kop",
        "überschrift",
        "subject",
        "onderwerp",
        "título",
        "titulo",
        "titolo",
    ),
    "subtitle": (
        "subtitle",
        "ondertitel",
        "untertitel",
        "sous-titre",
        "deck",
        "subhead",
        "subtítulo",
        "subtitulo",
        "sottotitolo",
    ),
    "kicker": ("kicker", "dachzeile", "surtitre", "bovenkop"),
    "date": tuple(key for keys in DATE_KEYS.values() for key in keys),
    "modified": tuple(key for keys in MODIFIED_KEYS.values() for key in keys),
    "author": (
        "author",
        "authors",
        "auteur",
        "auteurs",
        "autor",
        "autoren",
        "autorin",
        "door",
        "von",
        "par",
        "writer",
        "verfasser",
        "schrijver",
        "autora",
        "autores",
        "autore",
        "autori",
        "por",
    ),
    "byline": ("byline",),
    "dateline": ("dateline",),
    "publisher": (
        "publisher",
        "uitgever",
        "verlag",
        "éditeur",
        "editeur",
        "organization",
        "organisation",
        "editore",
        "editora",
    ),
    "source": (
        "source",
        "bron",
        "quelle",
        "origine",
        "krant",
        "zeitung",
        "journal",
        "medium",
        "newspaper",
        "publication",
        "fuente",
        "fonte",
        "periódico",
        "giornale",
        "jornal",
    ),
    "url": ("url", "link", "uri", "permalink", "lien", "adresse", "enlace"),
    "language": ("language", "lang", "taal", "sprache", "langue", "idioma", "lingua", "língua"),
    "keywords": (
        "keywords",
        "tags",
        "trefwoorden",
        "schlagwörter",
        "schlagworte",
        "mots-clés",
        "mots-cles",
        "categories",
        "keywords/tags",
        "etiquetas",
        "palabras clave",
        "parole chiave",
        "palavras-chave",
    ),
}
KEY_TO_FIELD = {key: name for name, keys in FIELD_KEYS.items() for key in keys}
# Keys that are also everyday words of another language: a field only when the value is one
# ("Data: 12 dicembre 2021" is a date; "Data: Met Office, daily series" is not).
ONLY_IF_DATE = frozenset({"data"})
# The language of each date key but the English ones ("date" is French too): a hint for dates.parse.
DATE_KEY_LANGS = {
    key: lang
    for table in (DATE_KEYS, MODIFIED_KEYS)
    for lang, keys in table.items()
    if lang != "en"
    for key in keys
}


def field_of(key: str, value: str) -> str | None:
    """The field a header `key: value` fills, or None (kept as a field of its own name)."""
    name = KEY_TO_FIELD.get(key.strip().lower())
    if name is not None and key.strip().lower() in ONLY_IF_DATE and dates.parse(value) is None:
        return None
    return name


# What XML's xml:lang (xsd:language) accepts: "nl", "en-GB", "de-1901".
# Anchored with ^ too, so that no search can retry it from every position.
_LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{1,8})*\Z")  # ISO 639: two or three letters
_LANGUAGE_NAMES = {
    "english": "en", "engels": "en", "englisch": "en", "anglais": "en",
    "dutch": "nl", "nederlands": "nl", "niederländisch": "nl", "néerlandais": "nl",
    "german": "de", "duits": "de", "deutsch": "de", "allemand": "de",
    "french": "fr", "frans": "fr", "französisch": "fr", "français": "fr",
    # Further English names, as Project Gutenberg headers give them ("Language: Finnish").
    "italian": "it", "spanish": "es", "portuguese": "pt", "latin": "la", "finnish": "fi",
    "swedish": "sv", "danish": "da", "norwegian": "no", "polish": "pl", "hungarian": "hu",
    "czech": "cs", "greek": "el", "russian": "ru", "chinese": "zh", "japanese": "ja",
    "esperanto": "eo", "catalan": "ca", "welsh": "cy", "irish": "ga", "icelandic": "is",
    "frisian": "fy", "afrikaans": "af", "tagalog": "tl", "hebrew": "he", "arabic": "ar",
    # The languages' own names, where their header keys are known (es, it, pt)
    "español": "es", "española": "es", "espanol": "es", "castellano": "es", "spagnolo": "es",
    "espanhol": "es", "italiano": "it", "italiana": "it", "português": "pt", "portugués": "pt",
    "portugues": "pt", "portuguesa": "pt", "portoghese": "pt", "inglés": "en", "ingles": "en",
    "inglese": "en", "inglês": "en", "francés": "fr", "frances": "fr", "francese": "fr",
    "francês": "fr", "alemán": "de", "aleman": "de", "tedesco": "de", "alemão": "de",
    "neerlandés": "nl", "olandese": "nl", "holandês": "nl", "neerlandês": "nl",
}  # fmt: skip


@dataclass(kw_only=True)
class Found(Fields):
    """Metadata collected by a dialect and the structure pass, and the text it accounts for."""

    lifted: list[str] = field(default_factory=list)  # source text moved into metadata
    consumed: list[str] = field(default_factory=list)  # markup with no text of its own
    problems: list[Problem] = field(default_factory=list)
    lang_hint: str = ""  # language known before detection (header), for date parsing
    hyphen_guesses: Counter[str] = field(default_factory=Counter)  # line-end hyphens decided by a guess
    # reStructuredText: the adornment styles met so far, in order (docutils' section levels); None
    # when the text is not reStructuredText (then only "=" and "-" underline a heading)
    adornments: list[str] | None = None

    def note_once(self, code: str, message: str) -> None:
        """Record a problem unless the same one is recorded already (a limit met many times)."""
        if not any(p.code == code and p.message == message for p in self.problems):
            self.problems.append(Problem(code, message))

    def add_date(self, raw: str, how: How, kind: DateKind = "published", key: str = "") -> bool:
        """Parse and keep a date; a date we cannot read is kept as a field (named `key` as the source
        wrote it, else by its kind) and reported."""
        hint = self.lang_hint or DATE_KEY_LANGS.get(key.strip().lower(), "")
        parsed = dates.parse(raw, hint)
        if parsed is None:
            self.fields.append((key.strip() or kind, raw))
            shown = raw if len(raw) <= 80 else raw[:79] + "…"
            self.problems.append(Problem("date-unparsed", f"cannot read the date {shown!r}"))
            return False
        if any(d.kind == kind for d in self.dates):
            kind = "event"
        value, precision = parsed
        self.dates.append(DateValue(value, precision, how, kind, raw))
        return True

    def assign(self, name: str, raw: str, how: How, key: str = "") -> None:
        """Set the field `name` (one of FIELD_KEYS) from a raw header value (under `key`, as written)."""
        raw = raw.strip()
        if not raw:
            return
        self.lifted.append(raw)  # every branch below keeps the value: as a field if nothing else
        if name in ("date", "modified"):
            self.add_date(raw, how, "published" if name == "date" else "modified", key)
        elif name == "author":
            self.authors.extend(Value(a, how) for a in split_names(raw))
        elif name == "keywords":
            self._keywords(raw, how)
        elif name == "language":
            self._language(raw, how)
        elif name == "url":
            self.url = Value(raw, how)
            self.identifiers.append(Identifier("url", raw))
        elif getattr(self, name, None) is None:
            setattr(self, name, Value(raw, how))
        else:  # a second title or source: keep it, don't overwrite
            self.fields.append((name, raw))

    def _keywords(self, raw: str, how: How) -> None:
        """Keywords with the key they stood under; a second key's keywords stay a field under it."""
        if self.keywords_how is not None and self.keywords_how.method != how.method:
            self.fields.append((how.method.split(":", 1)[-1], raw))
            return
        self.keywords_how = how
        self.keywords.extend(k.strip() for k in raw.replace(";", ",").split(",") if k.strip())

    def _language(self, raw: str, how: How) -> None:
        """A language name or tag (the first of a list); else a field, and the language is detected."""
        first = raw.split(",")[0].strip()  # "Content-Language: nl, en"
        code = _LANGUAGE_NAMES.get(first.lower(), first)
        if len(code) > 35 or not _LANGUAGE_TAG.match(code):  # RFC 5646: tags fit in 35 characters
            self.fields.append(("language", raw))
            shown = raw if len(raw) <= 40 else raw[:39] + "…"
            self.problems.append(Problem("header-invalid", f"{shown!r} is not a language; kept as a field"))
            return
        self.language = Value(code.lower() if len(code) <= 3 else code, how)
        if raw != self.language.text:  # "English", "nl, en": the code is ours, the words the source's
            self.fields.append(("language-as-written", raw))
        self.lang_hint = self.language.text.split("-")[0]

    def keep_field(self, name: str, raw: str) -> None:
        """Keep a value verbatim as a named field, and account for it."""
        self.fields.append((name, raw))
        self.lifted.append(raw)

    def assign_header(self, key: str, raw: str, method_prefix: str) -> None:
        """Assign a `Key: value` pair: known keys to fields, unknown ones kept verbatim.

        The value is accounted for (in `lifted`) here, where it is kept; the dialect accounts for
        the key and its colon (in `consumed`), so that a value no field keeps is a text gap.
        """
        name = field_of(key, raw)
        if name is None:  # a field needs a name: YAML can spell an empty key ("": x)
            self.keep_field(key.strip() or "unnamed", raw.strip())
        else:
            self.assign(name, raw, How("explicit", f"{method_prefix}:{key.strip()}", 1.0), key)


_NAME_SPLIT = (" and ", " en ", " und ", " et ", " & ", ";")


def split_names(raw: str) -> list[str]:
    """Split "A, B and C" into names; a single "Last, First" stays whole."""
    text = raw
    for sep in _NAME_SPLIT:
        text = text.replace(sep, ",")
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) == 2 and " " not in parts[0] and " " not in parts[1] and "," in raw:
        return [raw.strip()]  # "Jansen, Jan"
    if len(parts) > 1 and any(p.islower() and " " not in p for p in parts):
        return [raw.strip()]  # "The Python core team and community": a lone lowercase word is no name
    return parts
