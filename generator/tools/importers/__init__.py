"""`traction import`: entries from what founders already have (a Stripe export, a calendar).

`stripe_csv` and `calendar_ics` read a file into entries; `insertion` appends entries to a
week file's text, keeping every comment, blank line and key order; `apply` plans the changes
to the week files, checks the result with the rules of `traction check`, shows it as a diff
and writes it only when asked.
"""
