"""The Textual console: a thin layer over the domain model (console.model.events)."""
