"""paperdeck's library: papers, parsing, storage and search — pure Python, no UI."""
