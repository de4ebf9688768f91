"""One line of bytes to one Event, and a batch of raw lines to a batch of events."""
