"""Reading, simulating, splitting and encoding data; the one on-disk dataset format."""
