"""Scanning the media root: walk, probe and watch. Headless; never imports a face."""

from mediatop.scan.scanner import ScanProgress, ScanSummary, probe_pending, rescan_dirs, scan_root

__all__ = ["ScanProgress", "ScanSummary", "probe_pending", "rescan_dirs", "scan_root"]
