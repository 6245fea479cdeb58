"""Investigative microsite generator.

One direction of flow, one module per stage:

    loader (YAML with positions) -> validate (every problem, with its place)
    -> model (immutable data) -> contexts (what each page shows)
    -> render (Markdown pages)

Each stage imports only earlier stages; only ``cli`` prints or exits.
"""
