"""Render: public values to bytes, in memory. Nothing here writes a file.

The site view (`site`, read from the boundary), Markdown (`markup`), charts, badges, the
theme's templates (`pages`), the terminal's `status` (`status_text`) and the diff as
Markdown, JSON or text (`diff_text`). May import `public`, `model` and `source`; never
`output`, `pipeline` or `tools`.
"""
