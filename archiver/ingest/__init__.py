"""Raw text in, canonical Document out: hygiene, dialects, structure and inference."""

from archiver.ingest.assemble import Result, archive_id, ingest_bytes

__all__ = ["Result", "archive_id", "ingest_bytes"]
