"""paperdeck's terminal front end: the `paperdeck` command and the Textual browser."""
