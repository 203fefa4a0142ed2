"""The directory's CSV exchange: the network coordinator downloads the directory (organisations
with their main location) as CSV and uploads a changed file, all-or-nothing."""
