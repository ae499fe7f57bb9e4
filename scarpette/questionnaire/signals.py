"""What other apps may follow without the questionnaire importing them."""

from django.dispatch import Signal

# Sent inside the transaction that saved new screening runs (a completed questionnaire, "screen
# again", a re-screening batch), with `runs=[ScreeningRun, ...]`. The applications app derives
# the legal deadlines from them, so that no page has to recompute them on reading.
screening_saved = Signal()
