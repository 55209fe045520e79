"""The dashboard's figures: what its boxes and the file screen show, read in one call."""
