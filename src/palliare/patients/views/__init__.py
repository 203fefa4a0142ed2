"""Pages of the palliative register."""
