"""HTML views of the care app, one module per subject."""
