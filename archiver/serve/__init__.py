"""The reading room: `archiver serve`, web pages, OPDS catalogs and a JSON API over one archive."""

from archiver.serve.app import create_app
from archiver.serve.settings import Settings

__all__ = ["Settings", "create_app"]
