"""Pure figure builders: a Trace (or plain arrays) in, a plotly Figure out. No Streamlit, no globals.

Token axes use integer positions with `ticktext`, so repeated tokens never collapse. Every token goes
through `label()`: Plotly reads `<b>`, `<br>`, `<a href>` in text as markup, so `<` and `&` are
written as entities and the token shows literally.
"""

from .alignment import alignment_heatmap
from .attribution import attribution_bars, attribution_heatmap
from .common import label
from .diagram import encoder_decoder_diagram
from .heads import decoder_self_attention, encoder_self_attention, head_grid, head_lines
from .learning import snapshot_heatmap, training_curves
from .steps import alpha_bars, context_figure, output_bars, score_bars, vector_strip

__all__ = [
           "alignment_heatmap",
           "alpha_bars",
           "attribution_bars",
           "attribution_heatmap",
           "context_figure",
           "decoder_self_attention",
           "encoder_decoder_diagram",
           "encoder_self_attention",
           "head_grid",
           "head_lines",
           "label",
           "output_bars",
           "score_bars",
           "snapshot_heatmap",
           "training_curves",
           "vector_strip",
]
