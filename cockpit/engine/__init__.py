"""The cockpit's pure rules (no Django, no clock: "today" is passed in)."""
