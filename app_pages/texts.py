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
    "language": {"en": "Language", "ko": "언어"},
    "classroom": {"en": "Classroom mode", "ko": "수업 모드"},
    "classroom_help": {"en": "Large fonts, no sidebar, one figure at a time; step with the buttons or the arrow keys.",
                       "ko": "큰 글씨, 사이드바 없음, 한 번에 그림 하나; 버튼이나 화살표 키로 넘깁니다."},
    "exit_classroom": {"en": "✕ Exit", "ko": "✕ 끝내기"},
    "settings": {"en": "Model, input and settings", "ko": "모델, 입력, 설정"},
    "sidebar_about": {
        "en": "Every number on these pages is computed by a real trained model on your input.",
        "ko": "이 페이지의 모든 숫자는 입력한 문장에 대해 실제로 학습된 모델이 계산한 값입니다.",
    },
    # --- model and input
    "model": {"en": "Model", "ko": "모델"},
    "model_help": {"en": "Shipped models, trained by this project. The card below the page tells how.",
                   "ko": "이 프로젝트가 직접 학습시킨 모델입니다. 페이지 아래의 모델 카드에 방법이 있습니다."},
    "input": {"en": "Input", "ko": "입력"},
    "input_help": {"en": "Type a date in any of the seven languages (dates models) or an English sentence (en-es).",
                   "ko": "일곱 언어 중 하나로 날짜를 쓰거나(날짜 모델) 영어 문장을 쓰세요(en-es 모델)."},
    "examples": {"en": "Examples", "ko": "예시"},
    "pick_example": {"en": "Pick an example…", "ko": "예시 고르기…"},
    "output": {"en": "Output", "ko": "출력"},
    "no_models": {"en": "No model folder was found in pretrained/.", "ko": "pretrained/ 에 모델 폴더가 없습니다."},
    "model_broken": {"en": "This model cannot be loaded: {error}", "ko": "이 모델을 불러올 수 없습니다: {error}"},
    "bad_input": {"en": "This input cannot be decoded: {error}", "ko": "이 입력은 디코딩할 수 없습니다: {error}"},
    "model_card": {"en": "Model card", "ko": "모델 카드"},
    "export": {"en": "⬇ Export", "ko": "⬇ 내보내기"},
    "no_chromium": {"en": "PNG and SVG need Chromium on the server (apt-get install chromium).",
                    "ko": "PNG와 SVG는 서버에 Chromium이 있어야 합니다 (apt-get install chromium)."},
    "html_help": {"en": "A standalone page that works offline, with hover and zoom.",
                  "ko": "인터넷 없이 열리는 단독 페이지 (마우스 올리기, 확대 가능)."},
    # --- steps
    "step": {"en": "Step t", "ko": "단계 t"},
    "prev": {"en": "◀ Previous", "ko": "◀ 이전"},
    "next": {"en": "Next ▶", "ko": "다음 ▶"},
    "play": {"en": "▶ Play", "ko": "▶ 재생"},
    "pause": {"en": "⏸ Pause", "ko": "⏸ 멈춤"},
    "speed": {"en": "Seconds per step", "ko": "단계당 초"},
    "keys_hint": {"en": "Keys: ← previous · → next · K play/pause", "ko": "키: ← 이전 · → 다음 · K 재생/멈춤"},
    "step_of": {"en": "Step {t} of {T}: reading {prev}, emitting {token} (p = {prob})",
                "ko": "{T}단계 중 {t}단계: {prev}을(를) 읽고 {token}을(를) 냅니다 (p = {prob})"},
    "diagram": {"en": "The encoder–decoder at step t", "ko": "t 단계의 인코더–디코더"},
    "diagram_caption": {
        "en": "Bottom: the source tokens and their encoder states h_i. Top: the decoder states and the output so far "
              "(red: the token of this step). The width and darkness of each line is α_t^i.",
        "ko": "아래: 입력 토큰과 인코더 은닉 상태 h_i. 위: 디코더 은닉 상태와 지금까지의 출력(빨간색: 이번 단계의 토큰). "
              "선의 굵기와 진하기가 α_t^i 입니다.",
    },
    "stage_diagram": {"en": "Diagram", "ko": "구조도"},
    "short_diagram": {"en": "Diagram", "ko": "구조도"},
    "short_stage1": {"en": "1 · Score e_t", "ko": "1 · 스코어 e_t"},
    "short_stage2": {"en": "2 · Distribution α_t", "ko": "2 · 분포 α_t"},
    "short_stage3": {"en": "3 · Context a_t", "ko": "3 · 컨텍스트 a_t"},
    "short_stage4": {"en": "4 · Output ŷ_t", "ko": "4 · 출력 ŷ_t"},
    "stage1": {"en": "1. Attention Score", "ko": "1. 어텐션 스코어 (Attention Score)"},
    "stage2": {"en": "2. Attention Distribution", "ko": "2. 어텐션 분포 (Attention Distribution)"},
    "stage3": {"en": "3. Attention Value (context vector)", "ko": "3. 어텐션 값 (Attention Value, 컨텍스트 벡터)"},
    "stage4": {"en": "4. Concatenate, then predict", "ko": "4. 연결(concatenate)하고 예측하기"},
    "stage1_text": {
        "en": "How similar is the decoder state (the query) to each encoder state h_i? One number per source token.",
        "ko": "디코더 은닉 상태(쿼리)가 각 인코더 은닉 상태 h_i와 얼마나 비슷한가? 입력 토큰마다 숫자 하나.",
    },
    "stage2_text": {
        "en": "Softmax turns the scores into weights that are positive and sum to 1: the \"weights over time\".",
        "ko": "소프트맥스가 스코어를 양수이고 합이 1인 가중치, 즉 \"시간의 가중치\"로 바꿉니다.",
    },
    "stage3_text": {
        "en": "Each h_i is scaled by its weight α_t^i (rows) and the rows are added up: the context vector a_t. "
              "It is computed anew at every step, unlike seq2seq's one fixed context vector.",
        "ko": "각 h_i에 가중치 α_t^i를 곱하고(행) 모두 더하면 컨텍스트 벡터 a_t가 됩니다. "
              "seq2seq의 고정된 컨텍스트 벡터와 달리 매 단계 새로 계산됩니다.",
    },
    "stage4_text": {
        "en": "a_t and s_t are joined into one vector, passed through a dense layer with tanh (s̃_t), and a "
              "softmax over the vocabulary gives the next token.",
        "ko": "a_t와 s_t를 하나로 이어 붙여 tanh 밀집층을 지나면 s̃_t가 되고, 어휘 전체에 대한 소프트맥스가 다음 "
              "토큰을 줍니다.",
    },
    "query_luong": {"en": "Query: s_t, the decoder state after this step's RNN update (Luong).",
                    "ko": "쿼리: 이번 단계의 RNN 갱신 뒤의 디코더 상태 s_t (Luong 방식)."},
    "query_bahdanau": {"en": "Query: s_{t-1}, the decoder state before this step (Bahdanau); a_t then feeds the RNN.",
                       "ko": "쿼리: 이번 단계 전의 디코더 상태 s_{t-1} (Bahdanau 방식); 그 뒤 a_t가 RNN 입력이 됩니다."},
    "numbers_table": {"en": "This step's numbers", "ko": "이번 단계의 숫자"},
    "col_position": {"en": "i", "ko": "i"},
    "col_token": {"en": "source token", "ko": "입력 토큰"},
    "col_score": {"en": "e_t^i", "ko": "e_t^i"},
    "col_alpha": {"en": "α_t^i", "ko": "α_t^i"},
    "sum_label": {"en": "Σ α = {total:.4f}", "ko": "Σ α = {total:.4f}"},
    "chosen": {"en": "chosen", "ko": "선택"},
    "given": {"en": "given", "ko": "주어진 토큰"},
    "top_k": {"en": "Top {k} next tokens", "ko": "다음 토큰 상위 {k}개"},
    "vectors_title": {"en": "[a_t; s_t] (seam between the halves) and s̃_t",
                      "ko": "[a_t; s_t] (두 부분의 경계 표시)와 s̃_t"},
    "no_attention_title": {"en": "No attention: one fixed context vector", "ko": "어텐션 없음: 고정된 컨텍스트 벡터 하나"},
    "no_attention_text": {
        "en": "This model has no attention (the article's section 0.1): every step reads the same context c, the "
            "encoder's final state, however long the input is. Compare with a model with attention (section 0.2), "
            "whose context a_t changes at every step.",
        "ko": "이 모델에는 어텐션이 없습니다(글의 0.1절): 입력이 아무리 길어도 모든 단계가 같은 컨텍스트 c, 즉 인코더의 "
            "마지막 상태를 읽습니다. 매 단계 컨텍스트 a_t가 바뀌는 어텐션 모델(0.2절)과 비교해 보세요.",
    },
    "fixed_context": {"en": "c (the same at every step)", "ko": "c (모든 단계에서 같음)"},
    "context_row": {"en": "a_t", "ko": "a_t"},
    "query_word": {"en": "query", "ko": "쿼리"},
    "fixed_word": {"en": "c (fixed)", "ko": "c (고정)"},
    # --- alignment page
    "show_values": {"en": "Show values in cells", "ko": "칸에 값 표시"},
    "alignment_caption": {
        "en": "Row t is α_t: where the decoder looked while emitting target token t. Click a cell to open that step.",
        "ko": "t번째 행이 α_t입니다: 목표 토큰 t를 낼 때 디코더가 어디를 보았는지. 칸을 누르면 그 단계가 열립니다.",
    },
    "open_step": {"en": "Open step {t} in Step by step", "ko": "단계별 보기에서 {t}단계 열기"},
    "no_alignment": {"en": "{model} has no attention, so there is no alignment matrix. Pick a model with attention.",
                     "ko": "{model}에는 어텐션이 없어서 정렬 행렬이 없습니다. 어텐션이 있는 모델을 고르세요."},
    "word_level": {"en": "Word-level tokens: each row and column is a whole word.",
                   "ko": "단어 단위 토큰: 각 행과 열이 단어 하나입니다."},
    # --- sandbox
    "sandbox_intro": {
        "en": "No model here: edit a decoder state s_t and a few encoder states h_i, pick a score function, and follow "
              "every computation with its numbers.",
        "ko": "여기에는 모델이 없습니다: 디코더 상태 s_t와 인코더 상태 h_i 몇 개를 직접 고치고, 스코어 함수를 골라 모든 "
              "계산을 숫자로 따라가 보세요.",
    },
    "preset": {"en": "Preset", "ko": "프리셋"},
    "preset_article": {"en": "The article's setting (\"I am a student\", dot product)",
                       "ko": "글의 설정 (\"I am a student\", 내적)"},
    "preset_random": {"en": "Random", "ko": "무작위"},
    "preset_onehot": {"en": "One-hot states", "ko": "원-핫 상태"},
    "load_preset": {"en": "Load preset", "ko": "프리셋 불러오기"},
    "seed": {"en": "Random seed", "ko": "난수 시드"},
    "n_states": {"en": "Encoder states N", "ko": "인코더 상태 개수 N"},
    "dim": {"en": "State size n", "ko": "상태 크기 n"},
    "score_function": {"en": "Score function", "ko": "스코어 함수"},
    "temperature": {"en": "Temperature on e_t", "ko": "e_t의 온도"},
    "temperature_help": {"en": "α_t = softmax(e_t / T): T < 1 sharpens the distribution, T > 1 flattens it.",
                         "ko": "α_t = softmax(e_t / T): T < 1이면 분포가 뾰족해지고 T > 1이면 평평해집니다."},
    "decoder_state": {"en": "Decoder state s_t", "ko": "디코더 상태 s_t"},
    "encoder_states": {"en": "Encoder states h_i (one row each)", "ko": "인코더 상태 h_i (한 행에 하나)"},
    "weights": {"en": "Weights of the score function", "ko": "스코어 함수의 가중치"},
    "bad_numbers": {"en": "Every cell must hold a finite number.", "ko": "모든 칸에 유한한 숫자가 있어야 합니다."},
    "computation": {"en": "The computation, written out", "ko": "계산 과정"},
    "note_preset": {
        "en": "The article draws this example without numbers; these are chosen so that s_t is most like h_4.",
        "ko": "글은 이 예를 숫자 없이 그림으로 보여 줍니다; 여기 숫자는 s_t가 h_4와 가장 비슷하도록 고른 값입니다.",
    },
    "token_names": {"en": "Token names", "ko": "토큰 이름"},
}


def t(key: str, lang: str, **values) -> str:
    """The text `key` in `lang` (English when a translation is missing), with `values` filled in."""
    entry = TEXTS[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text
