"""AppTest: what holds across pages (classroom mode's way out, the task Compare opens on, text that does not fit
the model, Upload's results) and the text box's limit."""

from __future__ import annotations

import pytest
from apptest_utils import app, chart, live_parts, texts

from app_pages.common import PAGES, STEP_PAGE
from app_pages.texts import TEXTS, t
from attention_core.examples import examples_for

pytestmark = pytest.mark.timeout(600)
OTHER_PAGES = [script for entries in PAGES.values() for script, _, _ in entries if script != STEP_PAGE]


@pytest.mark.parametrize("script", OTHER_PAGES)
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_classroom_mode_gives_every_page_a_way_out(script, lang):
    at = app(classroom="true", lang=lang)
    at.switch_page(script).run()
    assert not at.exception
    assert not at.sidebar.toggle  # the sidebar is hidden in classroom mode ...
    menu = next(e for e in at.expander if e.label == t("classroom_menu", lang))  # ... and this replaces it
    assert [c.key for c in menu.get("button_group")] == ["lang"] and menu.toggle(key="classroom").value
    at.button(key="exit_classroom").click().run()
    assert not at.exception
    assert at.sidebar.toggle(key="classroom").value is False  # back to the normal page, sidebar and all
    assert t("classroom_menu", lang) not in [e.label for e in at.expander]


def test_compare_opens_on_the_task_of_the_current_model():
    sentence = "she bought the red car"
    at = app(model="en-es-dot", text=sentence)
    at.switch_page("app_pages/compare.py").run()
    assert not at.exception
    assert at.button_group(key="cmp_task").value == "en-es"
    assert set(at.dataframe[0].value["model"]) == {"en-es-bahdanau", "en-es-dot", "en-es-noattn", "en-es-scaled_dot",
                                                   "en-es-transformer"}
    assert at.text_input(key="cmp_text_en-es").value == sentence  # the sentence, not the task's first example


@pytest.mark.parametrize("script", ["app_pages/step_by_step.py", "app_pages/alignment.py"])
def test_text_that_does_not_fit_the_model_gets_a_hint_and_its_examples(script):
    at = app(model="en-es-dot", text="2026년 11월 24일 화요일")  # a date left in the box, an English model chosen
    at.switch_page(script).run()
    assert not at.exception
    assert "en-es-dot does not know most of this text (100% of its tokens are unknown)" in texts(at)
    offered = [b for b in at.button if b.key.startswith("fit_")]
    assert [b.key for b in offered] == [f"fit_{e}" for e in examples_for("en-es")[:3]]
    offered[0].click().run()
    assert not at.exception
    assert at.text_input(key="text").value == examples_for("en-es")[0]
    assert "does not know" not in texts(at) and not [b for b in at.button if b.key.startswith("fit_")]


def test_text_that_fits_gets_no_hint():
    at = app(model="en-es-dot", text="Quentin bought the red car").run()
    assert not at.exception and "does not know" not in texts(at)


def test_upload_results_survive_a_visit_to_another_page():
    upload = "app_pages/upload.py"
    at = app()
    at.switch_page(upload).run()
    at.selectbox(key="up_model").set_value("dates-general").run()
    lines = b"Tuesday, November 24, 2026\n24. November 2026\n"
    at.file_uploader(key="up_file").set_value(("dates.txt", lines, "text/plain")).run()
    assert not at.exception and list(at.dataframe(key="up_table").value["output"]) == ["2026-11-24"] * 2
    at.switch_page("app_pages/alignment.py").run()
    at.switch_page(upload).run()
    assert not at.exception
    assert at.selectbox(key="up_model").value == "dates-general"
    assert list(at.dataframe(key="up_table").value["source"]) == ["Tuesday, November 24, 2026", "24. November 2026"]
    assert "dates.txt" in texts(at).replace("\\", "")  # the page says which file the results are of (escaped)
    at.file_uploader(key="up_file").set_value(("other.txt", b"1999. 12. 31.\n", "text/plain")).run()
    assert list(at.dataframe(key="up_table").value["source"]) == ["1999. 12. 31."]  # another file replaces it
    at.file_uploader(key="up_file").set_value(None).run()
    assert not at.exception and not at.dataframe  # removed: forgotten


@pytest.mark.parametrize(("model", "limit", "lang"), [("dates-dot", "dates-dot reads at most 64 characters", "en"),
                                                      ("en-es-dot", "en-es-dot 모델은 최대 63개 하위 단어 조각", "ko")])
def test_the_text_box_states_the_models_limit_and_longer_text_is_refused_with_it(model, limit, lang):
    at = app(model=model, lang=lang).run()
    assert not at.exception and limit in texts(at)
    at.text_input(key="text").set_value("1 " * 1000).run()  # 2,000 characters: over every model's limit
    assert not at.exception
    assert at.text_input(key="text").value == "1 " * 1000  # kept whole (not cut at 1,000), then refused:
    assert any(("reads at most 64" if model == "dates-dot" else "reads at most 63") in w.value for w in at.warning)


def test_korean_wording_of_the_test_figures_and_the_speed():
    at = app(lang="ko").run()
    assert live_parts(at, "player")["player"]["labels"]["speed"] == "재생 속도 (초/단계)"  # the step player's
    at.switch_page("app_pages/compare.py").run()
    assert not at.exception
    curves = chart(at, "curves_dates")["layout"]  # (figure labels keep their spaces as no-break spaces)
    title, y_title = (text.replace("\xa0", " ") for text in (curves["title"]["text"], curves["yaxis"]["title"]["text"]))
    assert title == "평가용 테스트 데이터" and y_title == "정확 일치율 (%)"
    assert "평가용 테스트 데이터에서 잰 값" in texts(at)
    table = at.dataframe[0].value  # the test-figure column speaks the page's language too
    figures = " ".join(table[t("col_metric", "ko")])
    assert "정확 일치율" in figures and "exact" not in figures and "field attention" not in figures
    korean = " ".join(entry["ko"] for entry in TEXTS.values() if "ko" in entry)
    assert not any(old in korean for old in ("보류된", "정확히 맞춤", "단계당 초"))
