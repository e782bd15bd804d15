"""xAPI statements for completions and quiz results, forwardable to a Learning Record Store."""
