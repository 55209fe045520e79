"""One widget per dashboard box, plus the status line."""
