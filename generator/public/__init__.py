"""Public: the privacy boundary, and the only ways out of the process.

`boundary.public_progress` is the one function that turns the engine's progress into what
may be published: everything that leaves (the site, `progress.json`, `status`, every `diff`
format, badges, the feed) reads from its `PublicProgress`. Also the `progress.json`
document (`progress_doc`), the wording of public values (`wording`) and the diff report
(`diff`). May import `model` and `source`; never `render`, `output` or `tools`.
"""
