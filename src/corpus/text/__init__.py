"""French text: shared helpers (`french`), segmentation (`segment`), pseudonymisation
(`protect`)."""
