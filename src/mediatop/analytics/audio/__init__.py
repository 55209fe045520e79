"""Audio: count, duration, bitrate, plays and completion."""
