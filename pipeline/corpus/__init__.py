"""The corpus stage: transcripts as researchers have them, read, cleaned, segmented and de-identified."""
