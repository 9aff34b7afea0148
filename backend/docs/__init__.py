"""The company's documents as a searchable index: reading files, chunking by heading, the Chroma store with
role flags on every chunk, incremental indexing and hybrid (vector + BM25) search.

backend never imports assistant: the embedding function is named in settings and loaded on first use
(see backend.docs.embedding).
"""
