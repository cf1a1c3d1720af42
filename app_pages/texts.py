"""Every label, help text and caption of the app, in English and Korean (no Streamlit here)."""

from __future__ import annotations

LANGS = ("en", "ko")
LANG_NAMES = {"en": "English", "ko": "한국어"}

TEXTS: dict[str, dict[str, str]] = {
    # --- app and navigation
    "app_title": {"en": "Attention Explorer", "ko": "어텐션 탐색기"},
    "page_step": {"en": "Step by step", "ko": "단계별 보기"},
    "page_alignment": {"en": "Alignment matrix", "ko": "정렬 행렬"},
    "page_sandbox": {"en": "Worked example", "ko": "직접 계산해 보기"},
    "page_compare": {"en": "Compare models", "ko": "모델 비교"},
    "page_beam": {"en": "Beam search", "ko": "빔 탐색"},
    "page_forced": {"en": "Forced decoding", "ko": "강제 디코딩"},
    "page_whatif": {"en": "What if?", "ko": "만약에?"},
    "page_upload": {"en": "Upload a file", "ko": "파일 올리기"},
    "page_learning": {"en": "Attention as it is learned", "ko": "학습되는 어텐션"},
    "section_explore": {"en": "Explore", "ko": "살펴보기"},
    "section_decode": {"en": "Decoding", "ko": "디코딩"},
    "section_more": {"en": "Data and practice", "ko": "데이터와 연습"},
    "language": {"en": "Language", "ko": "언어"},
    "classroom": {"en": "Classroom mode", "ko": "수업 모드"},
    "classroom_help": {"en": "Large fonts, no sidebar, one figure at a time; step with the buttons or the arrow keys.",
                       "ko": "큰 글씨, 사이드바 없음, 한 번에 그림 하나; 버튼이나 화살표 키로 넘깁니다."},
    "exit_classroom": {"en": "✕ Exit", "ko": "✕ 끝내기"},
    "settings": {"en": "Model, input and settings", "ko": "모델, 입력, 설정"},
    "classroom_menu": {"en": "Pages and settings", "ko": "페이지와 설정"},
    "sidebar_about": {
        "en": "Every number on these pages is computed by a real trained model on your input.",
        "ko": "이 페이지의 모든 숫자는 입력한 문장에 대해 실제로 학습된 모델이 계산한 값입니다.",
    },
    # --- model and input
    "model": {"en": "Model", "ko": "모델"},
    "model_help": {"en": "Shipped models, trained by this project. The card below the page tells how.",
                   "ko": "이 프로젝트가 직접 학습시킨 모델입니다. 페이지 아래의 모델 카드에 방법이 있습니다."},
    "model_help_elsewhere": {"en": "Models marked (hf) or (elsewhere) come from the folder {folder}: (hf) ones were written by transformers' save_pretrained.",
                             "ko": "(hf) 또는 (elsewhere) 표시가 붙은 모델은 폴더 {folder}에서 왔습니다. (hf) 모델은 transformers의 save_pretrained로 저장된 것입니다."},
    "input": {"en": "Input", "ko": "입력"},
    "input_help": {"en": "Type a date in any of the seven languages (dates models) or an English sentence (en-es).",
                   "ko": "일곱 언어 중 하나로 날짜를 쓰거나(날짜 모델) 영어 문장을 쓰세요(en-es 모델)."},
    "input_limit": {"en": "{model} reads at most {limit} {unit}.", "ko": "{model} 모델은 최대 {limit}{unit}까지 읽습니다."},
    "unit_char": {"en": "characters", "ko": "자"},
    "unit_word": {"en": "tokens (words and punctuation marks)", "ko": "개 토큰(단어와 문장 부호)"},
    "unit_subword": {"en": "subword pieces", "ko": "개 하위 단어 조각"},
    "units": {"en": "Show", "ko": "보기 단위"},
    # --- a multi-head model's view (layer and head)
    "layer": {"en": "Layer", "ko": "층"},
    "layer_n": {"en": "layer {layer} of {L}", "ko": "{L}개 층 중 {layer}층"},
    "layer_help": {"en": "Which decoder layer's cross-attention the page draws (1 is nearest the input).",
                   "ko": "어느 디코더 층의 교차 어텐션을 그릴지 고릅니다 (1층이 입력에 가장 가깝습니다)."},
    "head": {"en": "Head", "ko": "헤드"},
    "head_n": {"en": "head {head} of {h}", "ko": "헤드 {h}개 중 {head}번"},
    "head_mean": {"en": "mean of the {h} heads", "ko": "헤드 {h}개의 평균"},
    "head_help": {"en": "One head's attention, with its own scores and values; or the mean over the layer's heads "
                        "(α only: a mean of scores is no score). The model's default is chosen in its card.",
                  "ko": "헤드 하나의 어텐션(그 헤드의 스코어와 값까지), 또는 층의 헤드 평균(α만: 스코어의 평균은 스코어가 "
                        "아닙니다)입니다. 모델의 기본값은 모델 카드에 고른 이유가 있습니다."},
    "units_words": {"en": "words", "ko": "단어"},
    "units_pieces": {"en": "subword pieces", "ko": "하위 단어 조각"},
    "units_help": {
        "en": "This model reads and writes subword pieces (\"reading\" may be \"read\" + \"ing\"). Words: each word's "
              "attention is summed over its source pieces and averaged over its target pieces. Pieces: what the "
              "model computes, one column per piece. The choice holds on every page.",
        "ko": "이 모델은 하위 단어 조각을 읽고 씁니다(\"reading\"은 \"read\" + \"ing\"일 수 있음). 단어: 단어의 어텐션을 "
              "입력 조각에 대해서는 더하고 출력 조각에 대해서는 평균합니다. 조각: 모델이 계산하는 그대로, 조각마다 한 열. "
              "이 선택은 모든 페이지에 그대로 적용됩니다.",
    },
    "examples": {"en": "Examples", "ko": "예시"},
    "pick_example": {"en": "Pick an example…", "ko": "예시 고르기…"},
    "output": {"en": "Output", "ko": "출력"},
    "no_models": {"en": "No model folder was found in pretrained/.", "ko": "pretrained/ 에 모델 폴더가 없습니다."},
    "model_broken": {"en": "This model cannot be loaded: {error}", "ko": "이 모델을 불러올 수 없습니다: {error}"},
    "does_not_fit": {"en": "{model} does not know most of this text ({share:.0%} of its tokens are unknown): it is a "
                            "model for {task}. Try one of its examples:",
                     "ko": "{model} 모델은 이 텍스트 대부분을 모릅니다 (토큰의 {share:.0%}가 모르는 토큰입니다). {task} "
                           "모델입니다. 이 모델의 예시를 써 보세요:"},
    "bad_input": {"en": "This input cannot be decoded: {error}", "ko": "이 입력은 디코딩할 수 없습니다: {error}"},
    "model_card": {"en": "Model card", "ko": "모델 카드"},
    "export": {"en": "⬇ Export", "ko": "⬇ 내보내기"},
    "no_chromium": {"en": "PNG and SVG need Chromium on the server (apt-get install chromium).",
                    "ko": "PNG와 SVG는 서버에 Chromium이 있어야 합니다 (apt-get install chromium)."},
    "export_model": {"en": "model {model}", "ko": "모델 {model}"},
    "export_input": {"en": "input “{text}”", "ko": "입력 “{text}”"},
    "export_target": {"en": "target “{target}”", "ko": "목표 “{target}”"},
    "export_step": {"en": "step t = {t}", "ko": "단계 t = {t}"},
    "html_help": {"en": "A standalone page that works offline, with hover and zoom.",
                  "ko": "인터넷 없이 열리는 단독 페이지 (마우스 올리기, 확대 가능)."},
    # --- steps
    "step": {"en": "Step t", "ko": "단계 t"},
    "prev": {"en": "◀ Previous", "ko": "◀ 이전"},
    "next": {"en": "Next ▶", "ko": "다음 ▶"},
    "play": {"en": "▶ Play", "ko": "▶ 재생"},
    "pause": {"en": "‖ Pause", "ko": "‖ 멈춤"},  # not ⏸: Debian's fonts draw it as a box
    "speed": {"en": "Seconds per step", "ko": "재생 속도 (초/단계)"},
    "keys_hint": {"en": "Keys: ← previous · → next · Home/End first/last · K play/pause",
                  "ko": "키: ← 이전 · → 다음 · Home/End 처음/끝 · K 재생/멈춤"},
    "step_of": {"en": "Step {t} of {T}: reading {prev}, emitting {token} (p = {prob}). Output so far: {so_far}",
                "ko": "{T}단계 중 {t}단계: {prev}을(를) 읽고 {token}을(를) 냅니다 (p = {prob}). 지금까지의 출력: {so_far}"},
    "step_of_words": {
        "en": "Step {t} of {T}: reading {prev}, emitting {token}, piece {k} of {n} of the word {word} (p = {prob}). "
              "Output so far: {so_far}",
        "ko": "{T}단계 중 {t}단계: {prev}을(를) 읽고 {token}을(를) 냅니다. 단어 {word}의 조각 {n}개 중 {k}번째입니다 "
              "(p = {prob}). 지금까지의 출력: {so_far}"},
    "diagram_caption_words": {
        "en": "Bottom: the source words and their encoder states (one hᵢ per piece: h₂₋₃ is a word of pieces 2 and 3). "
              "Top: the decoder states, one per piece, and the output so far as words (red: the word this step's "
              "piece belongs to). The width and darkness of each line is the word's share of αₜ (Σ over its pieces).",
        "ko": "아래: 입력 단어와 인코더 은닉 상태(조각마다 hᵢ 하나: h₂₋₃은 2, 3번 조각으로 된 단어). 위: 조각마다 하나인 "
              "디코더 은닉 상태와 단어로 쓴 지금까지의 출력(빨간색: 이번 단계의 조각이 속한 단어). 선의 굵기와 진하기는 "
              "그 단어의 αₜ 몫(조각들에 대한 합)입니다.",
    },
    "scores_pieces": {
        "en": "Scores stay one bar per subword piece in word view: a sum of scores is no score (αₜ below is grouped "
              "into words).",
        "ko": "단어 보기에서도 스코어는 하위 단어 조각마다 막대 하나입니다: 스코어의 합은 스코어가 아니기 때문입니다"
              "(아래 αₜ는 단어로 묶습니다).",
    },
    "alpha_words": {
        "en": "One bar per source word: αₜⁱ summed over the word's pieces (its share of the attention); Σ is still 1.",
        "ko": "입력 단어마다 막대 하나: 단어의 조각들에 대한 αₜⁱ의 합(그 단어가 받은 어텐션 몫)이며, 합은 여전히 1입니다.",
    },
    "context_pieces": {
        "en": "One encoder state hᵢ per subword piece, so one row per piece; a word's rows add up to its part of aₜ.",
        "ko": "인코더 은닉 상태 hᵢ는 하위 단어 조각마다 하나이므로 행도 조각마다 하나입니다. 한 단어의 행들을 더하면 "
              "aₜ 중 그 단어의 몫이 됩니다.",
    },
    "step_aria": {"en": "Step {t} of {T}", "ko": "{T}단계 중 {t}단계"},
    "diagram": {"en": "The encoder–decoder at step t", "ko": "t 단계의 인코더–디코더"},
    "diagram_caption": {
        "en": "Bottom: the source tokens and their encoder states hᵢ. Top: the decoder states and the output so far "
              "(red: the token of this step). The width and darkness of each line is αₜⁱ.",
        "ko": "아래: 입력 토큰과 인코더 은닉 상태 hᵢ. 위: 디코더 은닉 상태와 지금까지의 출력(빨간색: 이번 단계의 토큰). "
              "선의 굵기와 진하기가 αₜⁱ 입니다.",
    },
    "stage_diagram": {"en": "Diagram", "ko": "구조도"},
    "short_diagram": {"en": "Diagram", "ko": "구조도"},
    "short_stage1": {"en": "1 · Score eₜ", "ko": "1 · 스코어 eₜ"},
    "short_stage2": {"en": "2 · Distribution αₜ", "ko": "2 · 분포 αₜ"},
    "short_stage3": {"en": "3 · Context aₜ", "ko": "3 · 컨텍스트 aₜ"},
    "short_stage4": {"en": "4 · Output ŷₜ", "ko": "4 · 출력 ŷₜ"},
    "short_heads": {"en": "Every head", "ko": "모든 헤드"},
    "short_self": {"en": "Self-attention", "ko": "셀프 어텐션"},
    "short_lines": {"en": "Head view", "ko": "헤드 보기"},
    "stage1": {"en": "1. Attention Score", "ko": "1. 어텐션 스코어 (Attention Score)"},
    "stage2": {"en": "2. Attention Distribution", "ko": "2. 어텐션 분포 (Attention Distribution)"},
    "stage3": {"en": "3. Attention Value (context vector)", "ko": "3. 어텐션 값 (Attention Value, 컨텍스트 벡터)"},
    "stage4": {"en": "4. Concatenate, then predict", "ko": "4. 연결(concatenate)하고 예측하기"},
    "stage1_text": {
        "en": "How similar is the decoder state (the query) to each encoder state hᵢ? One number per source token.",
        "ko": "디코더 은닉 상태(쿼리)가 각 인코더 은닉 상태 hᵢ와 얼마나 비슷한가? 입력 토큰마다 숫자 하나.",
    },
    "stage2_text": {
        "en": "Softmax turns the scores into weights that are positive and sum to 1: the \"weights over time\".",
        "ko": "소프트맥스가 스코어를 양수이고 합이 1인 가중치, 즉 \"시간의 가중치\"로 바꿉니다.",
    },
    "stage3_text": {
        "en": "Each hᵢ is scaled by its weight αₜⁱ (rows) and the rows are added up: the context vector aₜ. "
              "It is computed anew at every step, unlike seq2seq's one fixed context vector.",
        "ko": "각 hᵢ에 가중치 αₜⁱ를 곱하고(행) 모두 더하면 컨텍스트 벡터 aₜ가 됩니다. "
              "seq2seq의 고정된 컨텍스트 벡터와 달리 매 단계 새로 계산됩니다.",
    },
    "stage4_text": {
        "en": "aₜ and sₜ are joined into one vector, passed through a dense layer with tanh (s̃ₜ), and a "
              "softmax over the vocabulary gives the next token.",
        "ko": "aₜ와 sₜ를 하나로 이어 붙여 tanh 밀집층을 지나면 s̃ₜ가 되고, 어휘 전체에 대한 소프트맥스가 다음 "
              "토큰을 줍니다.",
    },
    "mean_of_heads": {
        "en": "The attention shown is the mean over the {h} heads of layer {layer} (the model's default view): "
              "ᾱₜ = (1/{h}) Σⱼ αₜ⁽ʲ⁾. The scores eₜ and the context aₜ belong to each head; their mean is what no "
              "head computed, so this stage has none to show.",
        "ko": "여기 보이는 어텐션은 {layer}층 헤드 {h}개의 평균입니다(이 모델의 기본 보기): ᾱₜ = (1/{h}) Σⱼ αₜ⁽ʲ⁾. "
              "스코어 eₜ와 컨텍스트 aₜ는 헤드마다 따로 있고, 그 평균은 어느 헤드도 계산하지 않은 값이므로 이 단계에서는 "
              "보여 줄 것이 없습니다.",
    },
    "stage4_text_transformer": {
        "en": "In layer {layer} the {h} heads' values aₜ⁽ʲ⁾ are joined, [aₜ⁽¹⁾; …; aₜ⁽ʰ⁾], and projected by W_O; the "
              "decoder's top layer output, after its last LayerNorm (s̃ₜ), goes through one linear layer and a "
              "softmax over the vocabulary: the next token.",
        "ko": "{layer}층에서 헤드 {h}개의 값 aₜ⁽ʲ⁾를 이어 붙여 [aₜ⁽¹⁾; …; aₜ⁽ʰ⁾] W_O로 투영합니다. 디코더 맨 위 층의 출력은 "
              "마지막 LayerNorm(s̃ₜ)을 지나 선형층 하나와 어휘 전체에 대한 소프트맥스를 거쳐 다음 토큰이 됩니다.",
    },
    "stage1_link": {
        "en": "The article's dot product sₜ·hᵢ, scaled by √d_k and taken between projections: head {head} of layer "
              "{layer} compares its query qₜ (from the decoder's stream xₜ at this step) with each key kᵢ (from the "
              "encoder's output hᵢ); every head learns its own W_Q and W_K.",
        "ko": "글의 내적 sₜ·hᵢ를 √d_k로 나누고, 투영한 벡터끼리 계산한 것입니다: {layer}층 {head}번 헤드는 이번 단계 "
              "디코더 흐름 xₜ에서 나온 쿼리 qₜ를 인코더 출력 hᵢ에서 나온 키 kᵢ와 하나하나 비교합니다. 헤드마다 W_Q와 W_K를 "
              "따로 배웁니다.",
    },
    "stage3_link": {
        "en": "As in the article, a weighted sum with the weights αₜ — of the head's values vᵢ (d_k numbers each), "
              "not of hᵢ itself.",
        "ko": "글과 같이 가중치 αₜ로 더한 가중합입니다. 다만 hᵢ 자체가 아니라 이 헤드의 값 vᵢ(각각 d_k개의 수)를 "
              "더합니다.",
    },
    "no_values": {"en": "{model} does not expose its values vᵢ: this stage has nothing real to draw.",
                  "ko": "{model} 모델은 값 vᵢ를 내보내지 않아 이 단계에서 그릴 실제 값이 없습니다."},
    "alpha_only": {"en": "{model} gives the attention α only, not the scores eₜ or the values: this stage has nothing "
                         "real to show.",
                   "ko": "{model} 모델은 어텐션 α만 주고 스코어 eₜ와 값은 주지 않습니다. 이 단계에서 보여 줄 실제 값이 "
                         "없습니다."},
    "heads_stage": {"en": "Every head at once", "ko": "모든 헤드를 한눈에"},
    "heads_text": {
        "en": "The grid holds the cross-attention αₜ of every head of the {L} layers at this step (a row each; mean: the "
              "layer's mean). Click a row to make it the head the stages above show. Below, the heads of the chosen "
              "layer as lines from the token being produced to the source: one colour per head, the thicker, the "
              "more attention; click a head in the legend to turn it on or off.",
        "ko": "격자는 이번 단계에서 {L}개 층의 모든 헤드가 보내는 교차 어텐션 αₜ입니다(헤드마다 한 행, 평균: 층의 평균). "
              "행을 누르면 위 단계들이 그 헤드를 보여 줍니다. 아래는 고른 층의 헤드들을 만들고 있는 토큰에서 원문으로 "
              "이어지는 선으로 그린 것입니다. 헤드마다 색이 다르고, 선이 굵을수록 어텐션이 큽니다. 범례의 헤드를 누르면 "
              "켜고 끌 수 있습니다.",
    },
    "heads_text_short": {"en": "αₜ of every head of the {L} layers (mean: the layer's mean). Click a row to choose "
                                 "the head the stages show.",
                         "ko": "{L}개 층 모든 헤드의 αₜ(평균: 층의 평균). 행을 누르면 단계들이 그 헤드를 보여 줍니다."},
    "lines_text_short": {"en": "The chosen layer's heads: one colour each, the thicker, the more attention. Click a "
                               "head in the legend to turn it on or off.",
                         "ko": "고른 층의 헤드들: 헤드마다 한 색, 굵을수록 어텐션이 큽니다. 범례의 헤드를 누르면 켜고 "
                               "끕니다."},
    "self_text_short": {"en": "Position t of the decoder sees positions 1 to t only (grey: masked, the future).",
                        "ko": "디코더의 위치 t는 1부터 t까지만 봅니다(회색: 마스크, 미래)."},
    "grid_title": {"en": "Cross-attention of every layer and head at step {t}", "ko": "{t}단계, 모든 층과 헤드의 교차 어텐션"},
    "grid_row": {"en": "L{layer} · head {head}", "ko": "{layer}층 · 헤드 {head}"},
    "grid_row_mean": {"en": "L{layer} · mean", "ko": "{layer}층 · 평균"},
    "heads_view_title": {"en": "The heads of layer {layer} at step {t}", "ko": "{t}단계, {layer}층의 헤드들"},
    "self_stage": {"en": "Self-attention", "ko": "셀프 어텐션"},
    "self_text": {
        "en": "Before the decoder looks at the source, each layer lets every position look at the others of its own "
              "side. The encoder's positions see the whole input; the decoder's position t sees positions 1 to t "
              "only (grey: masked, the future it may not see). Rows below the current step are not computed yet.",
        "ko": "디코더가 원문을 보기 전에, 각 층은 같은 쪽의 위치들이 서로를 보게 합니다. 인코더의 위치는 입력 전체를 "
              "보고, 디코더의 위치 t는 1부터 t까지만 봅니다(회색: 마스크, 볼 수 없는 미래). 현재 단계 아래의 행은 아직 "
              "계산되지 않았습니다.",
    },
    "self_encoder_title": {"en": "Encoder self-attention, layer {layer}, {head}",
                           "ko": "인코더 셀프 어텐션, {layer}층, {head}"},
    "self_decoder_title": {"en": "Decoder self-attention (masked), layer {layer}, {head}, up to step {t}",
                           "ko": "디코더 셀프 어텐션(마스크), {layer}층, {head}, {t}단계까지"},
    "masked": {"en": "masked: a later position", "ko": "마스크: 뒤의 위치"},
    "no_encoder_self": {"en": "{model} does not expose its encoder's self-attention.",
                        "ko": "{model} 모델은 인코더의 셀프 어텐션을 내보내지 않습니다."},
    "no_decoder_self": {"en": "{model} does not expose its decoder's self-attention.",
                        "ko": "{model} 모델은 디코더의 셀프 어텐션을 내보내지 않습니다."},
    "query_luong": {"en": "Query: sₜ, the decoder state after this step's RNN update (Luong).",
                    "ko": "쿼리: 이번 단계의 RNN 갱신 뒤의 디코더 상태 sₜ (Luong 방식)."},
    "query_bahdanau": {"en": "Query: sₜ₋₁, the decoder state before this step (Bahdanau); aₜ then feeds the RNN.",
                       "ko": "쿼리: 이번 단계 전의 디코더 상태 sₜ₋₁ (Bahdanau 방식); 그 뒤 aₜ가 RNN 입력이 됩니다."},
    "metric_bleu": {"en": "BLEU {value}", "ko": "BLEU {value}"},  # BLEU and chrF are names in both languages
    "metric_chrf": {"en": "chrF {value}", "ko": "chrF {value}"},
    "metric_exact": {"en": "exact {value}%", "ko": "정확 일치율 {value}%"},
    "metric_field": {"en": "field attention {value}%", "ko": "필드 어텐션 {value}%"},
    "numbers_table": {"en": "This step's numbers", "ko": "이번 단계의 숫자"},
    "col_position": {"en": "i", "ko": "i"},
    "col_word": {"en": "word", "ko": "단어"},
    "col_token": {"en": "source token", "ko": "입력 토큰"},
    "col_score": {"en": "eₜⁱ", "ko": "eₜⁱ"},
    "col_alpha": {"en": "αₜⁱ", "ko": "αₜⁱ"},
    "sum_label": {"en": "Σ α = {total:.4f}", "ko": "Σ α = {total:.4f}"},
    "chosen": {"en": "chosen", "ko": "선택"},
    "given": {"en": "given", "ko": "주어진 토큰"},
    "top_k": {"en": "Top {k} next tokens", "ko": "다음 토큰 상위 {k}개"},
    "vectors_title": {"en": "{v} (seam between the halves) and s̃ₜ", "ko": "{v} (두 부분의 경계 표시)와 s̃ₜ"},
    "vectors_title_heads": {"en": "{v} (seams between the heads) and s̃ₜ", "ko": "{v} (헤드 사이의 경계 표시)와 s̃ₜ"},
    "stage4_text_fixed": {
        "en": "c and sₜ are joined into one vector, passed through a dense layer with tanh (s̃ₜ), and a softmax over "
              "the vocabulary gives the next token.",
        "ko": "c와 sₜ를 하나로 이어 붙여 tanh 밀집층을 지나면 s̃ₜ가 되고, 어휘 전체에 대한 소프트맥스가 다음 토큰을 줍니다.",
    },
    "diagram_caption_fixed": {
        "en": "Bottom: the source tokens and their encoder states hᵢ. Top: the decoder states and the output so far "
              "(red: the token of this step). Without attention every step reads the same context c, the last hᵢ.",
        "ko": "아래: 입력 토큰과 인코더 은닉 상태 hᵢ. 위: 디코더 은닉 상태와 지금까지의 출력(빨간색: 이번 단계의 토큰). "
              "어텐션이 없으면 모든 단계가 같은 컨텍스트 c(마지막 hᵢ)를 읽습니다.",
    },
    "no_attention_title": {"en": "1–3. No attention: one fixed context vector",
                           "ko": "1–3. 어텐션 없음: 고정된 컨텍스트 벡터 하나"},
    "no_attention_text": {
        "en": "This model has no attention (the article's section 0.1): every step reads the same context c, the "
            "encoder's final state, however long the input is. Compare with a model with attention (section 0.2), "
            "whose context a_t changes at every step.",
        "ko": "이 모델에는 어텐션이 없습니다(글의 0.1절): 입력이 아무리 길어도 모든 단계가 같은 컨텍스트 c, 즉 인코더의 "
            "마지막 상태를 읽습니다. 매 단계 컨텍스트 a_t가 바뀌는 어텐션 모델(0.2절)과 비교해 보세요.",
    },
    "fixed_context": {"en": "c (the same at every step)", "ko": "c (모든 단계에서 같음)"},
    "context_row": {"en": "aₜ", "ko": "aₜ"},
    "query_word": {"en": "query", "ko": "쿼리"},
    "fixed_word": {"en": "c (fixed)", "ko": "c (고정)"},
    # --- attribution beside attention (the step and alignment pages)
    "attribution": {"en": "Attribution beside α", "ko": "α 옆의 기여도(attribution)"},
    "attribution_help": {
        "en": "Attention says where a step looks, not what made its output (Jain & Wallace 2019). Attribution "
              "measures the second: how much each source token moved log ŷₜ[yₜ], the output so far held fixed. "
              "Integrated gradients (Sundararajan et al. 2017) follows the path from a blank input (every character "
              "a space; all zeros where a model has no space token) to the real one; erasure leaves one token out at "
              "a time. Computed on request: it takes tens of traces' time.",
        "ko": "어텐션은 한 단계가 어디를 보는지 알려줄 뿐, 무엇이 출력을 만들었는지는 알려주지 않습니다(Jain & Wallace "
              "2019). 기여도(attribution)는 그것을 잽니다: 지금까지의 출력을 고정한 채 각 입력 토큰이 log ŷₜ[yₜ]를 얼마나 "
              "움직였는가. 적분 그래디언트(Sundararajan et al. 2017)는 빈 입력(모든 글자가 공백, 공백 토큰이 없는 모델은 모두 "
              "0)에서 실제 입력까지의 경로를 따라가고, "
              "지우기(erasure)는 토큰을 하나씩 빼 봅니다. 요청할 때만 계산합니다: 추적 수십 번의 시간이 걸립니다.",
    },
    "baseline_blank": {
        "en": "x′ is blank text: every source character a space, E[space] its embedding. A space in the input is "
              "the baseline there, so its Rₜⁱ is exactly 0 whatever it does; erasure measures spaces too.",
        "ko": "x′은 빈 텍스트입니다: 모든 입력 글자가 공백이고 E[space]는 그 임베딩입니다. 입력의 공백은 그 자리에서 "
              "기준선과 같으므로, 무슨 일을 하든 Rₜⁱ가 정확히 0입니다. 지우기(erasure)는 공백도 잽니다.",
    },
    "baseline_zeros": {"en": "x′ is zeros: every source token's embedding the zero vector (this model's vocabulary "
                             "has no space).",
                       "ko": "x′은 영벡터입니다: 모든 입력 토큰의 임베딩이 0입니다(이 모델의 어휘에는 공백이 없습니다)."},
    "attribution_points": {
        "en": "Under the formula, ε is the completeness gap |Σᵢ Rₜⁱ − (log ŷₜ[yₜ] − log ŷ′ₜ[yₜ])|, relative, held "
              "≤ 5%; m is the integral's number of points (32, doubled for a step until ε ≤ 5%).",
        "ko": "수식 아래의 ε은 완전성 오차 |Σᵢ Rₜⁱ − (log ŷₜ[yₜ] − log ŷ′ₜ[yₜ])|의 상대값으로 5% 이하로 지킵니다. m은 "
              "적분에 쓴 점의 개수입니다(32개에서 시작해 ε ≤ 5%가 될 때까지 그 단계만 두 배로 늘립니다).",
    },
    "baseline_other": {"en": "x′, as the trace names it: {baseline}", "ko": "추적 파일이 밝힌 x′: {baseline}"},
    "attr_off": {"en": "Off", "ko": "끄기"},
    "attr_integrated_gradients": {"en": "Integrated gradients", "ko": "적분 그래디언트"},
    "attr_erasure": {"en": "Erasure", "ko": "지우기(erasure)"},
    "attribution_working": {"en": "{method}: {done} of {T} steps computed…",
                            "ko": "{method}: {T}단계 중 {done}단계 계산함…"},
    "attribution_cancel": {"en": "Cancel", "ko": "취소"},
    "attribution_failed": {"en": "Attribution could not be computed: {error}", "ko": "기여도를 계산하지 못했습니다: {error}"},
    "attribution_stage": {"en": "Attention beside attribution", "ko": "어텐션과 기여도"},
    "short_attribution": {"en": "α and attribution", "ko": "α와 기여도"},
    "attribution_text": {
        "en": "Above, αₜ: where step t looks. Below, Rₜ: how much each source token moved log ŷₜ[yₜ] "
              "(blue up, orange down; the largest |Rₜⁱ| in red). Attention is not explanation by itself: where the "
              "two part, the model read one token and used another.",
        "ko": "위는 αₜ: t단계가 어디를 보는가. 아래는 Rₜ: 각 입력 토큰이 log ŷₜ[yₜ]를 얼마나 움직였는가(파란색은 올림, "
              "주황색은 내림, |Rₜⁱ|가 가장 큰 것은 빨간색). 어텐션만으로는 설명이 되지 않습니다: 둘이 갈라지는 곳에서 "
              "모델은 한 토큰을 보고 다른 토큰을 썼습니다.",
    },
    "attribution_words": {"en": "In words: α and R are summed over each word's pieces.",
                          "ko": "단어 단위: α와 R을 단어의 조각마다 더했습니다."},
    "attr_agree": {
        "en": "α puts {alpha} on {a_token}, and attribution puts the most, {r}, on it too: here they agree.",
        "ko": "α는 {a_token}에 가장 큰 가중치({alpha})를 두고, 기여도도 가장 큰 값({r})을 거기에 둡니다: 여기서는 일치합니다.",
    },
    "attr_disagree": {
        "en": "α puts {alpha} on {a_token}, but attribution puts the most, {r}, on {r_token}: here they disagree.",
        "ko": "α는 {a_token}에 가장 큰 가중치({alpha})를 두지만, 기여도는 가장 큰 값({r})을 {r_token}에 둡니다: 여기서는 "
              "어긋납니다.",
    },
    "attribution_matrix_title": {"en": "Attribution R ({method})", "ko": "기여도 R ({method})"},
    "attention_matrix_title": {"en": "Attention α", "ko": "어텐션 α"},
    "attribution_matrix_caption_stacked": {
        "en": "Above, row t is αₜ; below, row t is Rₜ, on the same axes: the attention matrix and what each source "
              "token did to each output token. Each has its own colour scale (R is signed: red pushed the token down).",
        "ko": "위의 t번째 행은 αₜ, 아래의 t번째 행은 Rₜ이며 축이 같습니다: 어텐션 행렬과, 각 입력 토큰이 각 출력 토큰에 "
              "한 일을 봅니다. 색 척도는 따로입니다(R은 부호가 있습니다: 빨간색은 그 토큰을 끌어내렸습니다).",
    },
    "attribution_matrix_caption": {
        "en": "Left, row t is αₜ; right, row t is Rₜ, on the same axes: the attention matrix beside what each source "
              "token did to each output token. Each has its own colour scale (R is signed: red pushed the token down).",
        "ko": "왼쪽 t번째 행은 αₜ, 오른쪽 t번째 행은 Rₜ이며 축이 같습니다: 어텐션 행렬과, 각 입력 토큰이 각 출력 토큰에 "
              "한 일을 나란히 봅니다. 색 척도는 따로입니다(R은 부호가 있습니다: 빨간색은 그 토큰을 끌어내렸습니다).",
    },
    # --- alignment page
    "alignment_of_head": {"en": "Cross-attention of layer {layer}, {head}", "ko": "{layer}층, {head}의 교차 어텐션"},
    "show_values": {"en": "Show values in cells", "ko": "칸에 값 표시"},
    "alignment_caption": {
        "en": "Row t is αₜ: where the decoder looked while emitting target token t. Click a cell to open that step.",
        "ko": "t번째 행이 αₜ입니다: 목표 토큰 t를 낼 때 디코더가 어디를 보았는지. 칸을 누르면 그 단계가 열립니다.",
    },
    "open_step": {"en": "Open step {t} in Step by step", "ko": "단계별 보기에서 {t}단계 열기"},
    "no_alignment": {"en": "{model} has no attention, so there is no alignment matrix. Pick a model with attention.",
                     "ko": "{model}에는 어텐션이 없어서 정렬 행렬이 없습니다. 어텐션이 있는 모델을 고르세요."},
    "word_level": {"en": "Word-level tokens: each row and column is a whole word.",
                   "ko": "단어 단위 토큰: 각 행과 열이 단어 하나입니다."},
    "subword_level": {"en": "Subword pieces: each row and column is one piece, as the model computes it (a word may "
                            "be several pieces; \"##\" marks a piece that continues a word).",
                      "ko": "하위 단어 조각: 각 행과 열이 모델이 계산하는 조각 하나입니다(한 단어가 여러 조각일 수 있고, "
                            "\"##\"는 단어를 이어 가는 조각입니다)."},
    "subword_words": {"en": "Words of subword pieces: a column sums α over a source word's pieces, a row averages "
                            "over a target word's pieces; every row still sums to 1.",
                      "ko": "하위 단어 조각을 단어로 묶었습니다: 열은 입력 단어의 조각들에 대한 α의 합, 행은 출력 단어의 "
                            "조각들에 대한 평균이며, 각 행의 합은 여전히 1입니다."},
    "alignment_caption_words": {
        "en": "Row w is the attention of target word w over the source words (Ā). Click a cell to open the step of "
              "the word's first piece.",
        "ko": "w번째 행은 출력 단어 w가 입력 단어들에 준 어텐션(Ā)입니다. 칸을 누르면 그 단어의 첫 조각 단계가 열립니다.",
    },
    # --- compare
    "col_one_hot": {"en": "one-hot steps", "ko": "원-핫 단계"},
    "col_one_hot_help": {"en": "Share of the test steps whose largest αₜⁱ is above 0.99: all attention on one token.",
                         "ko": "테스트의 모든 단계 중 가장 큰 αₜⁱ가 0.99를 넘는 단계의 비율: 어텐션이 토큰 하나에 다 "
                               "쏠린 경우입니다."},
    "col_mean_entropy": {"en": "entropy H(α)", "ko": "엔트로피 H(α)"},
    "col_mean_entropy_help": {
        "en": "Mean over the test steps of H(αₜ) = −Σᵢ αₜⁱ ln αₜⁱ, in nats: 0 when one-hot; e^H is about how many "
              "tokens a step attends to.",
        "ko": "테스트의 모든 단계에 대한 H(αₜ) = −Σᵢ αₜⁱ ln αₜⁱ의 평균(단위 nat): 원-핫이면 0이고, e^H는 한 단계가 "
              "대략 몇 개의 토큰을 보는지입니다.",
    },
    "col_field": {"en": "field attention", "ko": "필드 어텐션"},
    "col_field_help": {"en": "Share of the output digits whose largest α falls inside the field (year, month, day) "
                             "they are written from.",
                       "ko": "출력 숫자 중 가장 큰 α가 그 숫자가 나온 입력 필드(연, 월, 일) 안에 있는 비율입니다."},
    "col_argmax_agree": {"en": "α = attribution", "ko": "α = 기여도"},
    "col_argmax_agree_help": {
        "en": "Share of the steps of the first test examples whose largest αₜⁱ is on the same token as the largest "
              "|attribution| (integrated gradients of log ŷₜ). Empty without attention.",
        "ko": "첫 테스트 예제들의 단계 중 가장 큰 αₜⁱ가 가장 큰 |기여도|(log ŷₜ의 적분 그래디언트)와 같은 토큰에 있는 "
              "비율입니다. 어텐션이 없으면 비어 있습니다.",
    },
    "col_rank_corr": {"en": "rank corr. ρ", "ko": "순위 상관 ρ"},
    "col_rank_corr_help": {"en": "Mean over the steps of Spearman's ρ between αₜ and |attributionₜ|: 1 when they "
                                 "order the source tokens alike.",
                           "ko": "단계마다 αₜ와 |기여도ₜ| 사이의 스피어먼 ρ를 평균한 값: 두 값이 입력 토큰을 같은 "
                                 "순서로 매기면 1입니다."},
    "col_field_attr": {"en": "field attribution", "ko": "필드 기여도"},
    "col_field_attr_help": {"en": "Share of the output digits whose largest |attribution| falls inside the field "
                                  "(year, month, day) they are written from.",
                            "ko": "출력 숫자 중 가장 큰 |기여도|가 그 숫자가 나온 입력 필드(연, 월, 일) 안에 있는 "
                                  "비율입니다."},
    "spread_table": {"en": "The attention columns of a multi-head model are over its default view: {views}.",
                     "ko": "헤드가 여러 개인 모델의 어텐션 열은 그 모델의 기본 보기에 대한 값입니다: {views}."},
    "compare_intro": {
        "en": "One input through several models at once: the five score functions, Luong (query sₜ) against Bahdanau "
              "(query sₜ₋₁), no attention, and a Transformer (scaled dot, several heads in each layer). Every matrix "
              "uses the same colour scale, 0 to 1.",
        "ko": "하나의 입력을 여러 모델에 한꺼번에 넣어 봅니다: 다섯 가지 스코어 함수, Luong(쿼리 sₜ)과 Bahdanau(쿼리 "
              "sₜ₋₁), 어텐션 없음, 그리고 Transformer(스케일드 내적, 층마다 헤드 여러 개). 모든 행렬은 같은 색 척도(0~1)를 "
              "씁니다.",
    },
    "task": {"en": "Task", "ko": "과제"},
    "task_dates": {"en": "Dates → ISO 8601", "ko": "날짜 → ISO 8601"},
    "task_en-es": {"en": "English → Spanish", "ko": "영어 → 스페인어"},
    "beam_no_tree": {"en": "{model} decodes with transformers' own beam search, which does not expose the candidates it prunes: its hypotheses are below, without the tree.",
                     "ko": "{model} 모델은 transformers 자체의 빔 서치로 디코딩하며, 가지치기한 후보를 내보이지 않습니다. 아래에 가설은 있지만 트리는 없습니다."},
    "whatif_not_here": {"en": "{model} is a transformers model: its attention is computed inside the library, where this page cannot edit it. Pick one of the shipped models to change α and decode again.",
                        "ko": "{model} 모델은 transformers 모델이라 어텐션이 라이브러리 안에서 계산되고, 이 페이지에서 바꿀 수 없습니다. α를 바꿔 다시 디코딩하려면 함께 제공된 모델을 고르세요."},
    "does_not_fit_elsewhere": {"en": "{model} does not know most of this text ({share:.0%} of its tokens are unknown to its tokenizer).",
                               "ko": "{model} 모델은 이 텍스트 대부분을 모릅니다 (토큰의 {share:.0%}가 토크나이저가 모르는 토큰입니다)."},
    "file_trace_input": {"en": "{model} is a trace read from a file: its own input, decoded once by the model that wrote it. Pick a model to type another.",
                         "ko": "{model}은(는) 파일에서 읽은 트레이스입니다. 그것을 쓴 모델이 한 번 디코딩한 자신의 입력입니다. 다른 입력을 쓰려면 모델을 고르세요."},
    "file_trace_gone": {"en": "{model} is no longer open: upload its trace file again (Upload a file).",
                        "ko": "{model}은(는) 더 이상 열려 있지 않습니다. 트레이스 파일을 다시 올리세요 (파일 올리기)."},
    "task_": {"en": "Elsewhere", "ko": "외부 모델"},  # an hf: model's task: none of ours
    "models": {"en": "Models", "ko": "모델들"},
    "luong_vs_bahdanau": {
        "en": "Luong computes the attention after the RNN step, with the new state sₜ as the query; Bahdanau computes it "
              "before, with sₜ₋₁, and feeds aₜ into the RNN. The article's formulas are Luong's; the paper it starts "
              "from is Bahdanau's.",
        "ko": "Luong은 RNN 단계 뒤에 새 상태 sₜ를 쿼리로 어텐션을 계산하고, Bahdanau는 그 앞에서 sₜ₋₁로 계산해 aₜ를 "
              "RNN 입력으로 넣습니다. 글의 수식은 Luong 방식이고, 글이 출발한 논문은 Bahdanau 방식입니다.",
    },
    "metrics_table": {"en": "Measured on the held-out test split (from each model card)",
                      "ko": "평가용 테스트 데이터에서 잰 값 (각 모델 카드에서)"},
    "curves_title": {"en": "With and without attention, by source length", "ko": "어텐션 유무에 따른 입력 길이별 성능"},
    "curves_text": {
        "en": "The article's claim: one fixed-length context vector struggles as inputs grow, attention does not. Our "
              "own numbers, measured on the test split and saved with each model.",
        "ko": "글의 주장: 고정 길이 컨텍스트 벡터는 입력이 길어질수록 힘들어지지만 어텐션은 그렇지 않다. 테스트 데이터에서 "
              "직접 잰 우리 숫자이며, 모델과 함께 저장되어 있습니다.",
    },
    "exact_by_length": {"en": "exact match (%)", "ko": "정확 일치율 (%)"},
    "curve_test": {"en": "Held-out test split", "ko": "평가용 테스트 데이터"},
    "curve_ood": {"en": "English unlike the training sentences (WordNet definitions)",
                  "ko": "학습 문장과 다른 영어 (WordNet 정의문)"},
    "bleu_by_length": {"en": "BLEU", "ko": "BLEU"},
    "source_length": {"en": "source length (characters or words)", "ko": "입력 길이 (글자 또는 단어)"},
    "col_model": {"en": "model", "ko": "모델"},
    "col_decoder": {"en": "decoder", "ko": "디코더"},
    "col_score_fn": {"en": "score", "ko": "스코어"},
    "col_output": {"en": "output", "ko": "출력"},
    "col_metric": {"en": "test figures", "ko": "테스트 결과"},
    "no_attention_short": {"en": "no attention: no matrix", "ko": "어텐션 없음: 행렬 없음"},
    # --- beam / forced / what-if
    "view_title": {"en": "layer {layer}, {head}", "ko": "{layer}층, {head}"},
    "edit_scope": {"en": "Change αₜ of", "ko": "αₜ를 바꿀 곳"},
    "edit_scope_head": {"en": "this head ({head})", "ko": "이 헤드({head})"},
    "edit_scope_layer": {"en": "every head of layer {layer}", "ko": "{layer}층의 모든 헤드"},
    "edited_head": {"en": "head {head} of layer {layer} (the layer's other heads keep the model's own αₜ)",
                    "ko": "{layer}층의 {head}번 헤드(그 층의 다른 헤드는 모델이 계산한 αₜ 그대로)"},
    "edited_layer": {"en": "all {h} heads of layer {layer}", "ko": "{layer}층의 헤드 {h}개 모두"},
    "whatif_edited": {"en": "Edited: {edited}. Shown: {shown}.", "ko": "바꾼 곳: {edited}. 보이는 것: {shown}."},
    "vectors_compare_s": {"en": "s̃ₜ before and after", "ko": "바꾸기 전과 뒤의 s̃ₜ"},
    "whatif_mean": {
        "en": "The view is the mean over the {h} heads of layer {layer}: the mean ᾱₜ is no head's, so every head of "
              "the layer is edited, and it has no context aₜ of its own (each head has its own): the strip below "
              "shows s̃ₜ only. Choose one head to see its aₜ.",
        "ko": "지금 보기는 {layer}층 헤드 {h}개의 평균입니다: 평균 ᾱₜ는 어느 한 헤드의 것이 아니므로 층의 모든 헤드를 "
              "바꾸며, 평균에는 그 자신의 컨텍스트 aₜ가 없습니다(헤드마다 따로 있음). 그래서 아래 띠는 s̃ₜ만 보여 "
              "줍니다. 헤드 하나를 고르면 그 aₜ가 보입니다.",
    },
    "beam_width": {"en": "Beam width k", "ko": "빔 너비 k"},
    "beam_intro": {
        "en": "Beam search keeps the k best partial translations at every step. Every candidate is drawn: kept (blue), "
              "pruned (grey), finished (green), the best (red star). Click a finished one to see its attention.",
        "ko": "빔 탐색은 매 단계 가장 좋은 부분 번역 k개를 남깁니다. 모든 후보를 그립니다: 남김(파랑), 잘림(회색), "
              "끝남(초록), 최고(빨간 별). 끝난 후보를 누르면 그 어텐션이 보입니다.",
    },
    "show_pruned": {"en": "Show pruned candidates", "ko": "잘린 후보 보기"},
    "hypotheses": {"en": "Finished hypotheses (ranked by log P / length)", "ko": "끝난 가설 (log P / 길이 순)"},
    "hypothesis": {"en": "Hypothesis", "ko": "가설"},
    "col_rank": {"en": "rank", "ko": "순위"},
    "col_logp": {"en": "log P", "ko": "log P"},
    "col_norm": {"en": "log P / length", "ko": "log P / 길이"},
    "status_root": {"en": "start <s>", "ko": "시작 <s>"},
    "status_kept": {"en": "kept", "ko": "남김"},
    "status_pruned": {"en": "pruned", "ko": "잘림"},
    "status_finished": {"en": "finished", "ko": "끝남"},
    "status_best": {"en": "best", "ko": "최고"},
    "status_chosen": {"en": "path of the hypothesis shown below", "ko": "아래에 보이는 가설의 경로"},
    "forced_intro": {
        "en": "Type a translation yourself: the model reads it token by token and says how likely it finds each one. "
              "Red bars are tokens it finds unlikely (below the threshold, or not its own first choice).",
        "ko": "번역을 직접 써 보세요: 모델이 토큰을 하나씩 읽으며 각 토큰이 얼마나 그럴듯한지 알려 줍니다. 빨간 막대는 모델이 "
              "그럴듯하지 않다고 보는 토큰입니다(기준보다 낮거나, 모델의 첫 선택이 아님).",
    },
    "target": {"en": "Target translation", "ko": "목표 번역"},
    "target_limit": {"en": "{model} writes at most {limit} {unit}.", "ko": "{model} 모델은 최대 {limit}{unit}까지 씁니다."},
    "target_empty": {"en": "Type a translation in the box above: the model then says how likely it finds each of "
                           "its tokens.",
                     "ko": "위 칸에 번역을 써 넣으세요. 그러면 모델이 그 토큰 하나하나가 얼마나 그럴듯한지 알려 줍니다."},
    "forced_pieces": {"en": "One bar per subword piece: the decoder reads and scores the target one piece at a time "
                            "(a word's probability is the product of its pieces'). The matrix below is in words.",
                      "ko": "하위 단어 조각마다 막대 하나: 디코더는 목표를 조각 하나씩 읽고 확률을 매깁니다(단어의 확률은 "
                            "그 조각들 확률의 곱). 아래 행렬은 단어 단위입니다."},
    "unlikely": {"en": "unlikely", "ko": "그럴듯하지 않음"},
    "threshold": {"en": "Flag tokens below this probability", "ko": "이 확률보다 낮으면 표시"},
    "forced_summary": {"en": "log P(your target) = {forced:.3f}; log P(the model's own output) = {greedy:.3f}",
                       "ko": "log P(입력한 번역) = {forced:.3f}; log P(모델 자신의 출력) = {greedy:.3f}"},
    "flagged": {"en": "Unlikely tokens: {tokens}", "ko": "그럴듯하지 않은 토큰: {tokens}"},
    "none_flagged": {"en": "The model finds every token of this target likely.",
                     "ko": "모델은 이 번역의 모든 토큰을 그럴듯하다고 봅니다."},
    "model_would_say": {"en": "the model would say", "ko": "모델의 선택"},
    "whatif_intro": {
        "en": "Change the attention at one step and watch what follows: the context aₜ, the state s̃ₜ, the output "
              "distribution and, if you like, the rest of the decoding.",
        "ko": "한 단계의 어텐션을 바꾸고 그 결과를 보세요: 컨텍스트 aₜ, 상태 s̃ₜ, 출력 분포, 그리고 원하면 나머지 디코딩까지.",
    },
    "edit_kind": {"en": "Change αₜ by", "ko": "αₜ 바꾸는 방법"},
    "edit_one_hot": {"en": "all attention on one token", "ko": "한 토큰에 모든 어텐션"},
    "edit_mask": {"en": "mask one token, renormalise", "ko": "한 토큰을 가리고 다시 정규화"},
    "edit_temperature": {"en": "temperature on eₜ", "ko": "eₜ에 온도 적용"},
    "edit_values": {"en": "type the values", "ko": "값 직접 입력"},
    "source_token": {"en": "Source token", "ko": "입력 토큰"},
    "continue": {"en": "Continue decoding from the changed step", "ko": "바뀐 단계부터 디코딩 계속하기"},
    "before": {"en": "model's αₜ", "ko": "모델의 αₜ"},
    "after": {"en": "changed αₜ", "ko": "바꾼 αₜ"},
    "before_out": {"en": "before", "ko": "바꾸기 전"},
    "after_out": {"en": "after", "ko": "바꾼 뒤"},
    "whatif_result": {"en": "Output: {before} → {after}", "ko": "출력: {before} → {after}"},
    "whatif_same": {"en": "Output: {before} (unchanged)", "ko": "출력: {before} (그대로)"},
    "whatif_result_until": {"en": "Output of steps 1–{t}: {before} → {after}", "ko": "1–{t}단계의 출력: {before} → {after}"},
    "whatif_same_until": {"en": "Output of steps 1–{t}: {before} (unchanged)", "ko": "1–{t}단계의 출력: {before} (그대로)"},
    "weights_row": {"en": "Weights (any non-negative numbers; they are normalised to sum to 1)",
                    "ko": "가중치 (음이 아닌 아무 숫자; 합이 1이 되도록 정규화됩니다)"},
    "bad_weights": {"en": "The weights must be non-negative numbers with a positive sum.",
                    "ko": "가중치는 합이 양수인 음이 아닌 숫자여야 합니다."},
    "whatif_pieces": {
        "en": "The change acts on αₜ over subword pieces, as the model computes it (the source token above is a "
              "piece); the bars add up each word's pieces.",
        "ko": "바꾸기는 모델이 계산하는 그대로 하위 단어 조각에 대한 αₜ에 적용됩니다(위의 입력 토큰은 조각 하나). 막대는 "
              "각 단어의 조각들을 더한 값입니다.",
    },
    "alpha_compare": {"en": "αₜ before and after", "ko": "바꾸기 전과 뒤의 αₜ"},
    "output_compare": {"en": "Output distribution before and after", "ko": "바꾸기 전과 뒤의 출력 분포"},
    "vectors_compare": {"en": "aₜ and s̃ₜ before and after", "ko": "바꾸기 전과 뒤의 aₜ와 s̃ₜ"},
    # --- learning view
    "learning_intro": {
        "en": "While the model trained, it was stopped now and then and its weights of that moment decoded a few fixed "
              "inputs, the probes. Move the slider or press play: the alignment and the prediction at each "
              "snapshot, and where the losses and the validation score were then. Every number is from the model's "
              "training.json.",
        "ko": "모델을 학습시키는 동안 가끔 멈추고, 그 순간의 가중치로 고정된 몇 개의 입력(프로브)을 디코딩했습니다. 슬라이더를 "
              "움직이거나 재생을 누르면 스냅숏마다의 정렬과 예측, 그리고 그때의 손실과 검증 점수를 볼 수 있습니다. 모든 숫자는 "
              "모델의 training.json에서 온 값입니다.",
    },
    "probe": {"en": "Probe input", "ko": "프로브 입력"},
    "probe_help": {"en": "The inputs decoded at every snapshot (the same ones each time).",
                   "ko": "모든 스냅숏에서 디코딩한 입력입니다(매번 같은 입력)."},
    "snapshot": {"en": "Snapshot", "ko": "스냅숏"},
    "snapshot_aria": {"en": "Snapshot {t} of {T}", "ko": "스냅숏 {T}개 중 {t}번째"},
    "snapshot_speed": {"en": "Seconds per snapshot", "ko": "재생 속도 (초/스냅숏)"},
    "prediction_then": {"en": "Prediction", "ko": "예측"},
    "snapshot_line": {"en": "Snapshot {k} of {K} · optimizer step {step} · epoch {epoch} · examples seen: {examples}",
                      "ko": "스냅숏 {K}개 중 {k}번째 · 최적화 단계 {step} · 에포크 {epoch} · 본 예제 수: {examples}"},
    "snapshot_first": {"en": "the initial (random) weights, before any training",
                       "ko": "학습 전의 초기(무작위) 가중치"},
    "snapshot_shipped": {"en": "the shipped weights: the model the other pages use",
                         "ko": "배포된 가중치: 다른 페이지가 쓰는 모델"},
    "snapshot_scores": {"en": "training loss {train} · validation loss {valid} · {metric} {score}",
                        "ko": "학습 손실 {train} · 검증 손실 {valid} · {metric} {score}"},
    "not_known": {"en": "not recorded", "ko": "기록 없음"},
    "learning_alignment": {"en": "Alignment at this snapshot", "ko": "이 스냅숏의 정렬"},
    "learning_curves": {"en": "Over training", "ko": "학습 과정"},
    "curve_train": {"en": "training loss", "ko": "학습 손실"},
    "curve_valid": {"en": "validation loss", "ko": "검증 손실"},
    "curve_field": {"en": "field attention", "ko": "필드 어텐션"},
    "metric_exact match": {"en": "exact match", "ko": "정확히 일치"},
    "metric_BLEU": {"en": "BLEU", "ko": "BLEU"},
    "axis_loss": {"en": "loss (log)", "ko": "손실 (로그)"},
    "axis_score": {"en": "score", "ko": "점수"},
    "axis_snapshot": {"en": "optimizer step (one point per snapshot)", "ko": "최적화 단계 (스냅숏마다 점 하나)"},
    "curves_caption": {
        "en": "Training loss: mean cross-entropy of the batches since the previous snapshot (none before training "
              "starts). Validation loss and {metric}: on the same {n} validation examples at every snapshot. One "
              "point per snapshot, evenly spaced: the snapshots are dense early in training, where attention forms.",
        "ko": "학습 손실: 이전 스냅숏 이후 배치들의 평균 교차 엔트로피(학습 시작 전에는 없음). 검증 손실과 {metric}: 모든 "
              "스냅숏에서 같은 검증 예제 {n}개로 잰 값. 점은 스냅숏마다 하나씩 같은 간격으로 찍었습니다. 스냅숏은 어텐션이 "
              "생기는 학습 초반에 촘촘합니다.",
    },
    "field_caption": {
        "en": "Field attention: the share of digit steps whose largest α falls in the source field the digit comes "
              "from (year, month or day).",
        "ko": "필드 어텐션: 숫자를 쓰는 단계 중 가장 큰 α가 그 숫자가 온 입력 필드(연, 월, 일)에 있는 비율.",
    },
    "learning_where": {"en": "Alignment and field attention of this Transformer: {layer}, {head}.",
                       "ko": "이 트랜스포머의 정렬과 필드 어텐션: {layer}, {head}."},
    "rows_numbered": {
        "en": "The file keeps this prediction's text, not its pieces, and splitting the text again does not give the "
              "matrix's {T} rows: the rows are numbered.",
        "ko": "파일에는 이 예측의 조각이 아니라 글자만 있고, 다시 나누어도 행렬의 {T}개 행이 나오지 않아 행에 번호를 붙였습니다.",
    },
    "learning_labels": {
        "en": "Columns: the probe as the model's source tokenizer splits it. Rows: the prediction split again by its "
              "target tokenizer (the file keeps the text); at the last snapshot these are exactly the trace's tokens.",
        "ko": "열: 모델의 입력 토크나이저로 나눈 프로브. 행: 출력 토크나이저로 다시 나눈 예측(파일에는 글자만 있음). 마지막 "
              "스냅숏에서는 트레이스의 토큰과 정확히 같습니다.",
    },
    "learning_no_attention": {
        "en": "{model} has no attention: it reads the whole input as one fixed vector, so there is no alignment to "
              "watch form. Its prediction and curves are still shown.",
        "ko": "{model} 모델에는 어텐션이 없습니다. 입력 전체를 고정된 벡터 하나로 읽으므로 생겨나는 정렬이 없습니다. 예측과 "
              "곡선은 그대로 보여 줍니다.",
    },
    "learning_none": {
        "en": "{model} has no training snapshots (no training.json in its folder), so there is nothing to play. "
              "Models trained by this project's `train` command record them.",
        "ko": "{model} 모델에는 학습 스냅숏이 없습니다(폴더에 training.json이 없음). 그래서 재생할 것이 없습니다. 이 "
              "프로젝트의 `train` 명령으로 학습시킨 모델은 스냅숏을 기록합니다.",
    },
    "learning_broken": {"en": "The training snapshots of {model} cannot be read: {error}",
                        "ko": "{model} 모델의 학습 스냅숏을 읽을 수 없습니다: {error}"},
    # --- upload
    "upload_intro": {
        "en": "Upload a .txt file (one input per line) or a .csv / .tsv file with a `source` column; with a `target` "
              "column each given target is also scored by forced decoding, beside the model's own output. A .jsonl "
              "file of `translate` results is read too, and the attribution its lines carry (`translate "
              "--attribution`) can be shown in the gallery. Up to {lines:,} lines and {mb} MB; UTF-8 or UTF-16. "
              "A trace file (.json: one trace or a list; .jsonl: one trace per line, up to {traces} traces), written "
              "by `trace --json`, an hf: model, `attention_core.recorder` or your own code, is drawn as it is and opens "
              "in Step by step, Alignment matrix and Compare models.",
        "ko": ".txt 파일(한 줄에 입력 하나) 또는 `source` 열이 있는 .csv / .tsv 파일을 올리세요; `target` 열이 있으면 모델 "
              "자신의 출력 옆에 주어진 목표를 강제 디코딩한 확률도 보여 줍니다. `translate` 결과의 .jsonl 파일도 읽으며, 그 줄에 "
              "담긴 기여도(`translate --attribution`)를 갤러리에서 볼 수 있습니다. 최대 {lines:,}줄, {mb} MB; UTF-8 또는 "
              "UTF-16. 트레이스 파일(.json: 트레이스 하나 또는 목록; .jsonl: 한 줄에 트레이스 하나, 최대 {traces}개)은 "
              "`trace --json`, hf: 모델, `attention_core.recorder`, 또는 직접 쓴 코드가 만든 것 그대로 그려지고, 단계별 보기, "
              "정렬 행렬, 모델 비교에서 열립니다.",
    },
    "file": {"en": "File", "ko": "파일"},
    "traces_read": {"en": "{n} trace(s) read from {name}: each opens in Step by step, Alignment matrix and Compare models, where the model picker lists it as \"{example}\".",
                    "ko": "{name}에서 트레이스 {n}개를 읽었습니다. 각각 단계별 보기, 정렬 행렬, 모델 비교에서 열리며, 모델 목록에 \"{example}\"처럼 나옵니다."},
    "traces_bad": {"en": "{n} trace(s) of the file cannot be read", "ko": "파일의 트레이스 {n}개를 읽을 수 없습니다"},
    "traces_none": {"en": "No trace of the file can be read: the first fault is on line {line}: {error}",
                    "ko": "파일의 어떤 트레이스도 읽을 수 없습니다. 첫 오류는 {line}번째 줄: {error}"},
    "trace_gallery": {"en": "The traces' alignment matrices, with exactly the file's numbers (the first {n})",
                      "ko": "트레이스들의 정렬 행렬 — 파일의 숫자 그대로 (처음 {n}개)"},
    "trace_no_attention": {"en": "No attention in this trace.", "ko": "이 트레이스에는 어텐션이 없습니다."},
    "open_trace_step": {"en": "Step by step", "ko": "단계별 보기"},
    "open_trace_alignment": {"en": "Alignment matrix", "ko": "정렬 행렬"},
    "open_compare": {"en": "Compare these traces", "ko": "이 트레이스들 비교"},
    "upload_button": {"en": "Upload", "ko": "파일 올리기"},
    "upload_limit": {"en": "{mb} MB per file • {types}", "ko": "파일당 최대 {mb} MB • {types}"},
    "upload_kept": {"en": "The results of {name}, chosen earlier in this session; choose a file to replace it.",
                    "ko": "이번 세션에서 앞서 고른 {name}의 결과입니다. 다른 파일을 고르면 바뀝니다."},
    "upload_error": {"en": "This file cannot be used: {error}", "ko": "이 파일은 쓸 수 없습니다: {error}"},
    "skipped": {"en": "{n} line(s) skipped", "ko": "{n}줄 건너뜀"},
    "col_line": {"en": "line", "ko": "줄"},
    "col_reason": {"en": "reason", "ko": "이유"},
    "decoding": {"en": "Decoding {done:,} of {total:,}…", "ko": "{total:,}개 중 {done:,}개 디코딩 중…"},
    "decoded": {"en": "{n:,} inputs decoded in {seconds:.2f} s ({mode}).", "ko": "입력 {n:,}개를 {seconds:.2f}초에 디코딩했습니다 ({mode})."},
    "mode_greedy": {"en": "greedy", "ko": "탐욕적 디코딩"},
    "mode_forced": {"en": "greedy, and the target column by forced decoding",
                    "ko": "탐욕적 디코딩, target 열은 강제 디코딩"},
    "results": {"en": "Results (click a row to select it)", "ko": "결과 (행을 누르면 선택)"},
    "sort_by": {"en": "Sort the table and the gallery by", "ko": "표와 갤러리의 정렬 기준"},
    "sort_note": {"en": "A click on a column header re-sorts the table in your browser only; the gallery keeps the "
                        "order chosen here.",
                  "ko": "열 제목을 누르면 브라우저에서 표만 다시 정렬됩니다. 갤러리는 여기서 고른 순서를 따릅니다."},
    "col_source": {"en": "source", "ko": "입력"},
    "col_prediction": {"en": "output", "ko": "출력"},
    "col_target": {"en": "target", "ko": "목표"},
    "col_prob": {"en": "P(output)", "ko": "P(출력)"},
    "col_target_prob": {"en": "P(target)", "ko": "P(목표)"},
    "col_entropy": {"en": "attention entropy", "ko": "어텐션 엔트로피"},
    "col_src_len": {"en": "source length", "ko": "입력 길이"},
    "col_out_len": {"en": "output length", "ko": "출력 길이"},
    "open_selected": {"en": "Open the selected row in Step by step", "ko": "선택한 행을 단계별 보기에서 열기"},
    "gallery": {"en": "Alignment matrices of the table's first {n} rows (by {order})",
                "ko": "표의 처음 {n}행({order} 순)의 정렬 행렬"},
    "gallery_attribution": {"en": "attribution", "ko": "기여도"},
    "gallery_attribution_help": {
        "en": "The file's attribution of this line (R[t, i]: how much source token i moved output token t, {method}) "
              "on the alignment matrix's axes; red pushed the output down, blue up.",
        "ko": "파일에 담긴 이 줄의 기여도(R[t, i]: 입력 토큰 i가 출력 토큰 t를 얼마나 움직였는지, {method})를 정렬 행렬과 "
              "같은 축에 보여 줍니다. 빨강은 출력을 낮춘 쪽, 파랑은 높인 쪽입니다.",
    },
    "gallery_attribution_other": {
        "en": "The file's attribution of this line is of another output (another model's?): not shown.",
        "ko": "파일에 담긴 이 줄의 기여도는 다른 출력(다른 모델의 것?)에 대한 것이라 보여 주지 않습니다.",
    },
    "bad_attributions": {
        "en": "The attribution of {n} line(s) cannot be read and is left out (the lines are shown); line {line}: "
              "{error}",
        "ko": "{n}줄의 기여도를 읽을 수 없어 빼었습니다(줄은 보여 줍니다). {line}번째 줄: {error}",
    },
    "download_jsonl": {"en": "All results (JSON Lines)", "ko": "전체 결과 (JSON Lines)"},
    "download_csv": {"en": "All results (CSV)", "ko": "전체 결과 (CSV)"},
    "download_trace": {"en": "Selected trace (JSON)", "ko": "선택한 트레이스 (JSON)"},
    "download_forced": {"en": "Selected target's forced trace (JSON)", "ko": "선택한 목표의 강제 디코딩 트레이스 (JSON)"},
    # --- sandbox
    "sandbox_intro": {
        "en": "No model here: edit a decoder state sₜ and a few encoder states hᵢ, pick a score function, and follow "
              "every computation with its numbers.",
        "ko": "여기에는 모델이 없습니다: 디코더 상태 sₜ와 인코더 상태 hᵢ 몇 개를 직접 고치고, 스코어 함수를 골라 모든 "
              "계산을 숫자로 따라가 보세요.",
    },
    "preset": {"en": "Preset", "ko": "프리셋"},
    "preset_article": {"en": "The article's setting (\"I am a student\", dot product)",
                       "ko": "글의 설정 (\"I am a student\", 내적)"},
    "preset_random": {"en": "Random", "ko": "무작위"},
    "preset_onehot": {"en": "One-hot states", "ko": "원-핫 상태"},
    "load_preset": {"en": "Load preset", "ko": "프리셋 불러오기"},
    "load_preset_help": {"en": "Back to the preset's numbers (a new preset, N, n or seed applies at once).",
                         "ko": "프리셋의 숫자로 되돌립니다 (프리셋, N, n, 시드를 바꾸면 바로 적용됩니다)."},
    "sizes_article": {"en": "The article's example has {N} states of size {n}; pick another preset to change them.",
                      "ko": "글의 예는 크기 {n}인 상태 {N}개입니다. 바꾸려면 다른 프리셋을 고르세요."},
    "seed": {"en": "Random seed", "ko": "난수 시드"},
    "n_states": {"en": "Encoder states N", "ko": "인코더 상태 개수 N"},
    "dim": {"en": "State size n", "ko": "상태 크기 n"},
    "score_function": {"en": "Score function", "ko": "스코어 함수"},
    "temperature": {"en": "Temperature on eₜ", "ko": "eₜ의 온도"},
    "temperature_help": {"en": "αₜ = softmax(eₜ / T): T < 1 sharpens the distribution, T > 1 flattens it.",
                         "ko": "αₜ = softmax(eₜ / T): T < 1이면 분포가 뾰족해지고 T > 1이면 평평해집니다."},
    "decoder_state": {"en": "Decoder state sₜ", "ko": "디코더 상태 sₜ"},
    "encoder_states": {"en": "Encoder states hᵢ (one row each)", "ko": "인코더 상태 hᵢ (한 행에 하나)"},
    "weights": {"en": "Weights of the score function", "ko": "스코어 함수의 가중치"},
    "sandbox_link_bad": {"en": "Some numbers of this link do not fit this example: the preset's are shown instead.",
                         "ko": "이 링크의 숫자 일부가 이 예제에 맞지 않아 프리셋의 숫자를 대신 보여 줍니다."},
    "bad_numbers": {"en": "Every cell must hold a finite number.", "ko": "모든 칸에 유한한 숫자가 있어야 합니다."},
    "computation": {"en": "The computation, written out", "ko": "계산 과정"},
    "note_preset": {
        "en": "The article draws this example without numbers; these are chosen so that sₜ is most like h₄.",
        "ko": "글은 이 예를 숫자 없이 그림으로 보여 줍니다; 여기 숫자는 sₜ가 h₄와 가장 비슷하도록 고른 값입니다.",
    },
    "token_names": {"en": "Token names", "ko": "토큰 이름"},
    # the sandbox's multi-head mode (DESIGN §5)
    "sandbox_mode": {"en": "Attention", "ko": "어텐션"},
    "mode_one": {"en": "One head (the article's)", "ko": "헤드 하나 (글의 어텐션)"},
    "mode_heads": {"en": "Several heads (the Transformer's)", "ko": "여러 헤드 (트랜스포머의 어텐션)"},
    "heads_intro": {
        "en": "No model here: a query xₜ and a few encoder states hᵢ, projected by W_Q, W_K, W_V and split into h "
              "heads of dₖ = d_model / h components. Every head attends on its own; then the heads are joined.",
        "ko": "여기에는 모델이 없습니다: 쿼리 xₜ와 인코더 상태 hᵢ 몇 개를 W_Q, W_K, W_V로 사영하고, 성분 "
              "dₖ = d_model / h개씩 h개의 헤드로 나눕니다. 헤드마다 따로 어텐션을 계산한 뒤 헤드들을 이어 붙입니다.",
    },
    "heads_preset_article": {"en": "The article's states, every W the identity",
                             "ko": "글의 상태, 모든 W는 단위 행렬"},
    "heads_preset_random": {"en": "Random", "ko": "무작위"},
    "heads_sizes_article": {"en": "The article's example has {N} states of size {n}; pick Random to change them.",
                            "ko": "글의 예는 크기 {n}인 상태 {N}개입니다. 바꾸려면 무작위를 고르세요."},
    "d_model": {"en": "Size d_model", "ko": "크기 d_model"},
    "heads_h": {"en": "Heads h", "ko": "헤드 개수 h"},
    "heads_h_help": {"en": "h must divide d_model: each head gets dₖ = d_model / h of the components.",
                     "ko": "h는 d_model의 약수여야 합니다: 헤드마다 성분 dₖ = d_model / h개를 받습니다."},
    "heads_edit": {"en": "Edit", "ko": "고칠 것"},
    "heads_edit_weights": {"en": "xₜ, hᵢ and the weights W", "ko": "xₜ, hᵢ와 가중치 W"},
    "heads_edit_projected": {"en": "The projected q, k, v", "ko": "사영된 q, k, v"},
    "heads_query": {"en": "Query input xₜ (the decoder's stream at t)", "ko": "쿼리 입력 xₜ (t에서 디코더의 흐름)"},
    "heads_weights": {
        "en": "Weights: row r of W_Q gives component r of qₜ = W_Q xₜ; head j takes its dₖ rows (named by head).",
        "ko": "가중치: W_Q의 r번째 행이 qₜ = W_Q xₜ의 r번째 성분을 만듭니다; 헤드 j는 자기 dₖ개 행을 씁니다 "
              "(행 이름에 헤드 번호).",
    },
    "heads_q": {"en": "Projected query qₜ (its parts by head)", "ko": "사영된 쿼리 qₜ (헤드별로 나뉜 부분)"},
    "heads_k": {"en": "Keys kᵢ (one column each)", "ko": "키 kᵢ (한 열에 하나)"},
    "heads_v": {"en": "Values vᵢ (one column each)", "ko": "값 vᵢ (한 열에 하나)"},
    "heads_stages": {"en": "The stages, head by head, and the single head they grow from",
                     "ko": "헤드마다의 단계와, 그 바탕이 된 헤드 하나의 단계"},
    "link_query": {
        "en": "**Query** qₜʲ = W_Qʲ xₜ, keys kᵢʲ = W_Kʲ hᵢ, values vᵢʲ = W_Vʲ hᵢ: the GRU asks with sₜ itself and "
              "weighs the hᵢ themselves; each head asks and answers with its own projections.",
        "ko": "**쿼리** qₜʲ = W_Qʲ xₜ, 키 kᵢʲ = W_Kʲ hᵢ, 값 vᵢʲ = W_Vʲ hᵢ: GRU는 sₜ 그대로 묻고 hᵢ 그대로 더하지만, "
              "헤드마다 자기 사영으로 묻고 답합니다.",
    },
    "link_score": {
        "en": "**1. Score** eₜʲ,ⁱ = qₜʲ · kᵢʲ / √dₖ: the article's dot product, scaled and projected.",
        "ko": "**1. 스코어** eₜʲ,ⁱ = qₜʲ · kᵢʲ / √dₖ: 글의 내적을 사영한 벡터끼리 구하고 √dₖ로 나눈 것입니다.",
    },
    "link_alpha": {
        "en": "**2. Distribution** αₜʲ = softmax(eₜʲ): the article's softmax, once per head.",
        "ko": "**2. 분포** αₜʲ = softmax(eₜʲ): 글의 소프트맥스를 헤드마다 한 번씩.",
    },
    "link_value": {
        "en": "**3. Value** aₜʲ = Σᵢ αₜʲ,ⁱ vᵢʲ: the article's weighted sum, of the values vᵢʲ instead of the hᵢ.",
        "ko": "**3. 값** aₜʲ = Σᵢ αₜʲ,ⁱ vᵢʲ: 글의 가중합인데, hᵢ 대신 값 vᵢʲ를 더합니다.",
    },
    "link_joined": {
        "en": "**4. Joined** oₜ = W_O [aₜ¹; …; aₜʰ]: one aₜ per head, joined and mixed by W_O (the GRU joins "
              "[aₜ; sₜ] instead).",
        "ko": "**4. 잇기** oₜ = W_O [aₜ¹; …; aₜʰ]: 헤드마다 하나인 aₜ를 이어 붙이고 W_O로 섞습니다 (GRU는 대신 "
              "[aₜ; sₜ]를 잇습니다).",
    },
    "head_title": {"en": "Head {j} of {h} (dₖ = {d_k})", "ko": "헤드 {h}개 중 {j}번 (dₖ = {d_k})"},
    "head_written": {"en": "Head {j}, written out", "ko": "헤드 {j}번의 계산 과정"},
    "heads_joined": {"en": "The heads joined", "ko": "헤드 잇기"},
    "heads_no_WO": {"en": "With q, k, v typed in there is no W_O: the heads are joined, not projected.",
                    "ko": "q, k, v를 직접 넣으면 W_O가 없으므로 헤드를 이어 붙이기만 하고 사영하지 않습니다."},
}


def t(key: str, lang: str, **values) -> str:
    """The text `key` in `lang` (English when a translation is missing), with `values` filled in."""
    entry = TEXTS[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text
