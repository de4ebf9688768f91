"""The catalogue as data: severities, events and line layouts read from YAML, and the templates and time kinds they name."""
