"""The limits the core enforces and the app and the command line state: one definition each."""

MAX_INPUT_CHARS = 1000  # longer text (an input, a target, a line of a file) is refused before tokenising
MAX_BEAM = 8  # beam widths 1…MAX_BEAM (1 is greedy)
