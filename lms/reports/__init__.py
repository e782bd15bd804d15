"""Unit reports for managers: JP attainment and completions per employee of a unit subtree."""
