"""URLs for evidence and import (included by reviews/urls.py)."""

urlpatterns: list = []
