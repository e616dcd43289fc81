"""Press finishing: booklet imposition, crop marks."""
