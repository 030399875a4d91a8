"""Source: the content directory read into typed records, with every problem at file:line:col.

Strict YAML (`yamlsource`), scalar types (`scalars`), declared records (`declare`, `schema`),
the loader of a whole content directory (`loader`), the records it has read before, kept in
memory and through a `Store` (`recordcache`), the folder found and digested without parsing
it (`folder`) and the log's entries in the order they apply (`events`). Imports only
`problems`, `isoweek` and the version from above it: nothing here knows about milestones,
privacy or pages.
"""
