"""archiver: raw plain-text articles to a canonical XML archive, and back out as EPUB and PDF."""

__version__ = "0.1.0"
# Bump when ingest rules change in a way that changes the XML for the same input bytes
# (`archiver reingest --all --dry-run` then shows what the new rules would change).
# 2 (2026-11-30): the fidelity work: header keys, legal dates, notes, bylines, datelines, setext titles.
# 3 (2026-12-01): org-mode's "#+TITLE:" lines read as a header block.
# 4 (2026-12-01): reStructuredText's adorned title and field list read as the head (dialect rst);
#   Spanish, Italian and Portuguese header keys, dates and language names.
RULES_VERSION = "4"
