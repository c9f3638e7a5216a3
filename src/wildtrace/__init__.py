"""WildTrace: investigate illegal wildlife and timber trade online."""

__version__ = "0.1.0"
