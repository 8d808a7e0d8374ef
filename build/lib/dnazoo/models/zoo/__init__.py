"""The architectures of the zoo, one file per family (trunks and necks)."""
