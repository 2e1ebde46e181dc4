"""The API's routers, one module per resource; :data:`ROUTER_MODULES` is the order they are mounted in."""

ROUTER_MODULES = ("health", "search", "documents", "units", "traceability", "diff", "sparql", "export", "graph")
