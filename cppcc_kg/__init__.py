"""cppcc-kg: a knowledge graph of the institutions and initiatives named in public
Chinese documents about the work of the CPPCC (政协)."""
__version__ = "0.1.0"
