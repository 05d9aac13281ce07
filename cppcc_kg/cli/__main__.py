"""``python -m cppcc_kg.cli``: the same as the ``cppcc-kg`` command."""
from cppcc_kg.cli import main

main()
