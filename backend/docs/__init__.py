"""The company's documents as a searchable index: reading files, chunking by heading, the Chroma store with
role flags on every chunk, incremental indexing and hybrid (vector + BM25) search.

The embedding function is named in settings and loaded on first use (see backend.docs.embedding); the default is
the packaged MiniLM model (backend.docs.minilm), which the planner's intent classifier uses too.
"""
