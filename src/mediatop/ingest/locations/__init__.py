"""Usage locations: from a scanned content folder or a CMS export."""
