"""The commands: build, check, watch, new, reviewed (cli.py parses the options)."""
