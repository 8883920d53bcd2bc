"""Widgets that render what the screen gives them and post messages up; none touches disk."""
