"""cppcc-kg: a knowledge graph of the institutions and initiatives named in public
Chinese documents about the work of the CPPCC (政协)."""
__version__ = "0.1.0"


def __getattr__(name):
    # ``cppcc_kg.query(...)`` without importing rdflib and pandas at package import
    if name == "query":
        from cppcc_kg.sparql.query import query

        return query
    raise AttributeError(f"module 'cppcc_kg' has no attribute {name!r}")
