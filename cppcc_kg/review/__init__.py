"""`cppcc-kg review`: a local page to decide on the proposals of ingest, and the curated Turtle it writes."""
