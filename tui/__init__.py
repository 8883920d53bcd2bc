"""paperdeck's terminal front end: the `paperdeck` command and the Textual browser."""

import os

# Textual paints at most TEXTUAL_FPS frames a second and holds every change until the next
# frame: at its default of 60 that alone added 0-17 ms to each keystroke. 120 halves the wait
# (measured: keystroke median 16.5 -> 12 ms at 10k papers). Set before Textual is imported;
# a user's own TEXTUAL_FPS still wins.
os.environ.setdefault("TEXTUAL_FPS", "120")
