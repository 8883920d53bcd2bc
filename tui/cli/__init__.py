"""The scriptable subcommands of `paperdeck`: each takes the parsed arguments and an open
Library, prints a rich table on a terminal, plain tab-separated text when piped, or JSON with
--json, and returns an exit code. Nothing here imports Textual."""
