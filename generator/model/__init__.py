"""Model: the milestone ladders and the engine that folds the log into progress (SPEC §4).

The ledger day by day (`timeline`), the metrics (`metrics`), ladders built in and custom
(`ladders`, `builtin_ladders/`), the evaluation (`engine`) and the as-of rule with the
analysis record (`analysis`). Pure: no output, no clock. May import `source`, `rules`,
`problems` and `isoweek`; never `public`, `render` or anything after.
"""
