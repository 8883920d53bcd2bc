"""The main screen's helpers with one job each (index, disk watch, read timer, typing and the
garbage collector, marks, links, fetch): they do the work and post messages (tui/messages.py)."""
