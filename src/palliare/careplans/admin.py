"""Care plans are not edited in the admin: versions are immutable and every read is audited.
Nothing is registered here on purpose."""
