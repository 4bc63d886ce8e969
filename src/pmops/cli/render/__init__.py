"""How results look in a terminal (rich), all user text escaped: one module per command group,
so that a command imports only the renderers it uses.

  common      listings, a new document, index progress, values as text (several groups)
  documents   show, links, lint
  decisions   decision review
  search      search, index
  research    insight themes, insight import, tags
  progress    checklist status, onboard status
  tools       tool, metric
  report      report (its summary), assess
"""
