"""The limits the core enforces and the app and the command line state: one definition each."""

MAX_INPUT_CHARS = 1000  # longer text (an input, a target, a line of a file) is refused before tokenising
MAX_BEAM = 8  # beam widths 1…MAX_BEAM (1 is greedy)
# Above this share of unknown tokens a text is not the kind the model was trained on (a Korean date through
# the English→Spanish models is all <unk>); a name or a rare word in a sentence stays well below it.
MAX_UNKNOWN_SHARE = 0.5
# A trace read from a file (Trace.from_dict): at most this many source tokens and this many decoding steps.
# Above every model's own (ours: 64 source, 64 target; hf: adapter: 512 source, 128 steps).
MAX_TRACE_TOKENS = 512


class InputError(ValueError):
    """Text the model cannot take; the message says what to change. (Here, not in translator.py, so that what
    raises or catches it needs no torch: the app's first page, a trace read from a file.)"""
