"""Screens own state and handle actions: the main browser, help, and small modals."""
