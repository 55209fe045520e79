"""Performance: load times, bandwidth, cache hits, compression savings."""
