"""The directory's JSON API (under ``/api/v1/``, wired by the api app's URLs)."""
