"""Stylesheets for the exports, installed as the package archiver.styles."""
