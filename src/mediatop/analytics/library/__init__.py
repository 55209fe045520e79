"""The library as stored: storage overview, growth, library-wide facts, file lookup."""
