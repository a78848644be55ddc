"""The coding stage: the codebook, the words and stems it is matched on, and the keyword classifier."""
