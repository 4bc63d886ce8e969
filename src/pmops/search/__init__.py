"""Search: keeping a KB's full-text index fresh, and searching it, with or without a server.

The package has two levels; each module imports only what this table allows (beside the
standard library), and nothing in it imports pmops.cli, typer or rich.

The core, below pmops.kb (which imports `index` lazily, for `KnowledgeBase.index`). It never
imports pmops.kb: what it needs of a KB is the `Source` protocol of `index` (and `Tree` of
`freshness`).
  results         Hit, Results, Sync and their wire format      -> (nothing of pmops)
  snippets        a body as a reader sees it, passages          -> results, pmops.bodies
  spelling        did you mean, over a Lexicon protocol         -> snippets
  fields          a document's fields, their kinds              -> pmops.bodies (pmops.doctypes,
                                                                   pmops.documents: types only)
  freshness       what changed since the last catch-up (git or  -> filelock (pmops.gitrepo:
                  stat), the manifest, its lock, racily clean      types only)
  folders         a rebuild's folders: build, swap, leftovers   -> (nothing of pmops)
  backend         the Backend protocol, Found, the default one  -> results; whoosh_backend,
                                                                   lazily in `default` only
  whoosh_backend  the Whoosh backend: schema, write, rebuild,   -> whoosh, pmops.errors,
                  search, the re-read on a merged generation       backend, results, spelling,
                                                                   whoosh_query, whoosh_analysis,
                                                                   whoosh_codec, whoosh_words
  whoosh_query    the query language read by Whoosh's parser,   -> whoosh, pmops.errors,
                  tags through the taxonomy, common words          pmops.taxonomy, pmops.text,
                                                                   backend, whoosh_backend
  whoosh_analysis the text fields' analysis: the fast path to   -> whoosh
                  Whoosh's own terms (pickled)
  whoosh_codec    W3 with less Python per posting (pickled)     -> whoosh
  whoosh_words    the word list beside the index (did-you-mean) -> whoosh, whoosh_analysis
  index           Index: freshness and a backend combined       -> pmops.errors, pmops.store,
                                                                   pmops.documents, filelock,
                                                                   results, fields, freshness,
                                                                   folders, backend, snippets
                                                                   (pmops.doctypes, pmops.gitrepo,
                                                                   pmops.taxonomy: types only)
Only the whoosh_* modules import Whoosh.

The application level, beside pmops.cli (above pmops.kb):
  client          the command's side of the server, and         -> pmops (its version),
                  `search`, the one search a command makes         pmops.locate, pmops.errors,
                                                                   pmops.detached, results
                                                                   (pmops.kb: a type only; the
                                                                   KnowledgeBase is passed in)
  watcher         inotify: whether a KB's folders changed       -> (nothing of pmops)
  server          the search server (`python -m                 -> pmops.kb, pmops.locate,
                  pmops.search.server`)                            pmops.taxonomy, pmops.store,
                                                                   pmops.errors, client,
                                                                   watcher, index
pmops.cli imports client and results (the snippet marks; otherwise it reaches the index
through `KnowledgeBase.index`); pmops.sharing (`doctor`) imports client; nothing imports
server: it is started as a process by its module path.

This module imports nothing: `pmops search` imports `client` before Typer loads.
"""
