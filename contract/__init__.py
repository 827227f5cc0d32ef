"""The ground floor: the neutral vocabulary every layer speaks, the typed command arguments
and the command and action specs. Nothing here imports another part of the project."""
