"""Models arrive with the registry issue; the app exists so the layout is in place."""
