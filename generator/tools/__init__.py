"""Tools around the pipeline: the dev server (`serve`), `diff` across git revisions
(`diff`, `gitrev`) and new content repositories (`scaffold`). May import the pipeline and
every layer under it; only `cli` imports them."""
