"""Emergency access is reviewed on its own page (acute:review_queue), not in the admin."""
