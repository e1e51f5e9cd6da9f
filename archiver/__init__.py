"""archiver: raw plain-text articles to a canonical XML archive, and back out as EPUB and PDF."""

__version__ = "0.1.0"
# Bump when ingest rules change in a way that changes the XML for the same input bytes.
RULES_VERSION = "1"
