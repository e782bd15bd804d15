"""Organisation: units (unit kerja) arranged as a tree."""
