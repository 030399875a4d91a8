"""Tools around the pipeline: the dev server (`serve`), `diff` across git revisions
(`diff`, `gitrev`), new content repositories (`scaffold`), what `status` said kept between runs
(`status_cache`), and a cohort's page built from
the progress documents startups publish (`cohort`). May import the pipeline and every layer
under it; only `cli` imports them."""
