"""The demo corpus that ships with WildTrace (see data/SOURCE.txt)."""
