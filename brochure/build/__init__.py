"""Orchestration: a whole build, the stages per edition and their workers, the cache, atomic
output."""
