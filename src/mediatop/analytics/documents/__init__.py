"""Documents: downloads, access and searchability."""
