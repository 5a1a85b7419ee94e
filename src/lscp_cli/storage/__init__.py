"""A casebook on disk: its case files, their cache, and edits made through them."""
