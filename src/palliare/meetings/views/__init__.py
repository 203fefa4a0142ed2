"""Pages of core teams and meetings."""
