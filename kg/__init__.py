"""The knowledge graph: model ─► RDF (ontology/ vocabulary) ─► SHACL check ─► store; queries over it.

``kg`` imports only :mod:`ingest.model` (and pure ingest modules) and :mod:`ontology`; never ``search_api``.
"""
