"""Database infrastructure shared by the apps (no models): precompiled queries for hot paths."""
