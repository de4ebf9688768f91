"""The events the console holds and the operator's filtered view of them (no screen needed)."""
