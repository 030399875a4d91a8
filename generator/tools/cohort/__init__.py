"""`traction cohort`: one page for a whole cohort of startups, from what each published.

An accelerator lists its startups in `cohort.yaml` (`roster`); each startup's published
`progress.json` is read and checked against the progress schema (`documents`, with
`schemacheck`); the cohort is summed up from the valid documents only (`summary`, pure:
no clock, no files); and the page, `cohort.json` and an Atom feed are rendered in memory
(`site`) and written atomically (`build`). It sits on the public document, never on a
content folder, so it is built on the same layer as the other tools.
"""
