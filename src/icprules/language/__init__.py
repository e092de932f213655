"""The condition language rules are written in: :mod:`.syntax` parses and describes, :mod:`.compiler` evaluates."""
