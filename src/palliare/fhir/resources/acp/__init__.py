"""The ACP resources of the IKNL guide over the care plan (app ``careplans``).

The plan's current version is the truth. Reading builds the resources from it (``export``);
writing maps a resource onto a copy of the plan's content (``imports``) and saves it as a new
version through ``careplans.services.save_plan``. Loaded only when the care plan app is
installed.
"""
