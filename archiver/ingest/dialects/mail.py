"""Mail and Usenet messages: RFC 822 headers (`From:`, `Subject:`, `Date:`), a blank line, the body."""

from __future__ import annotations

from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.utils import getaddresses

from archiver.document.model import How, Identifier, Value
from archiver.ingest._text import xml_safe
from archiver.ingest.dialects import signature
from archiver.ingest.dialects.base import HEADER_LINE, MAX_HEADER_LINE, head_lines, rest_after
from archiver.ingest.found import Found

_MAIL_KEYS = {"from", "subject", "newsgroups", "message-id", "path", "references", "to", "cc",
              "mime-version", "content-type", "content-transfer-encoding", "organization",
              "lines", "x-newsreader", "user-agent", "reply-to", "followup-to", "sender",
              "in-reply-to", "xref", "nntp-posting-host", "date", "summary", "keywords",
              "content-language", "received", "return-path", "distribution", "approved"}  # fmt: skip
# Which headers become which metadata field; all others are kept verbatim as fields.
_MAPPED = {"subject": "title", "date": "date", "organization": "publisher",
           "newsgroups": "source", "summary": "subtitle", "keywords": "keywords",
           "content-language": "language"}  # fmt: skip


def _headers(text: str) -> tuple[list[tuple[str, str]], int] | None:
    """Unfolded (name, value) pairs and the number of head lines, or None."""
    lines = head_lines(text, limit=200)
    pairs: list[tuple[str, str]] = []
    for i, line in enumerate(lines):
        if len(line) > MAX_HEADER_LINE or (pairs and len(pairs[-1][1]) > MAX_HEADER_LINE):
            return None  # not a header: a line, or a folded value, longer than any real one
        if i == 0 and line.startswith("From "):  # mbox separator line
            pairs.append(("mbox-from", line[5:]))
        elif line[:1] in (" ", "\t") and pairs:
            pairs[-1] = (pairs[-1][0], pairs[-1][1] + " " + line.strip())
        elif (m := HEADER_LINE.match(line)) and " " not in m.group(1):
            pairs.append((m.group(1), m.group(2) or ""))
        else:
            return None
    return (pairs, len(lines)) if pairs else None


def _decode(value: str) -> str:
    """Decode RFC 2047 encoded words (=?utf-8?q?…?=)."""
    try:
        return xml_safe(str(make_header(decode_header(value))))
    except (LookupError, ValueError, HeaderParseError):  # bad base64 raises HeaderParseError
        return value


class Mail:
    """A message with RFC 822 headers: Subject is the title, From the author."""

    name = "mail"
    description = "mail or Usenet headers (From:, Subject:, Date:, Newsgroups:)"

    def sniff(self, text: str) -> float:
        parsed = _headers(text)
        if parsed is None:
            return 0.0
        names = {k.lower() for k, _ in parsed[0]}
        if not names & {"from", "subject", "newsgroups", "message-id"}:
            return 0.0
        if len(names & _MAIL_KEYS) >= 2 and ("subject" in names or "from" in names):
            return 0.95
        return 0.0

    def read(self, text: str, found: Found) -> str:
        parsed = _headers(text)
        if parsed is None:
            return text
        pairs, n = parsed
        for key, raw in pairs:
            # The name and colon are markup; the value as written is accounted for once it is kept.
            found.consumed.append("From" if key == "mbox-from" else key + ":")
            value = _decode(raw).strip()
            name = _MAPPED.get(key.lower())
            how = How("explicit", f"mail:{key}", 1.0)
            if name and value:
                found.assign(name, value, how)
            elif value:
                found.keep_field(key, value)
            if value != raw.strip():
                found.lifted.append(raw)  # RFC 2047 words: kept decoded, accounted as written
            if key.lower() == "from":
                names = (display.strip() or addr.strip() for display, addr in getaddresses([value]))
                found.authors.extend(Value(name, how) for name in names if name)  # "From: <>" names none
            elif key.lower() == "message-id" and value.strip("<> "):
                found.identifiers.append(Identifier("message-id", value.strip("<> ")))
        return signature.split_off(rest_after(text, n), found)
