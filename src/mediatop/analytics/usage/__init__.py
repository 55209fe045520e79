"""Usage: most used, unused candidates, recent uploads, downloads, misses."""
