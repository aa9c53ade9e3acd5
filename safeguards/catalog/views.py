"""Views of the catalog app."""
