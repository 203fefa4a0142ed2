"""Suggestions to consider marking the palliative phase, from what Palliare already knows
(decision 0041): explainable rules (:mod:`.rules`), their recomputation (:mod:`.engine`), what
professionals do with them (:mod:`.services`) and how often they led to marking
(:mod:`.figures`)."""
