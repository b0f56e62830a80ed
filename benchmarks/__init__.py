"""`make bench`: the roll-ups, the dashboard and the visits API measured at province scale."""
