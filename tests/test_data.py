import json
import pytest
from conftest import REALDATA
from cause.data import (DataError, build_answer_vocab, build_easy_task, easy_sizes, load_esnlive, load_hateful_memes,
                        load_meme_explanations, load_saved_task, load_vqax, save_task, load_task, EASY_TASKS)

# ---------- easy suite ----------
@pytest.mark.parametrize("task", list(EASY_TASKS))
def test_easy_task_sizes_labels_and_determinism(task):
    td = build_easy_task(task, seed=5, scale=0.05)
    assert (len(td.train), len(td.test)) == easy_sizes(task, 0.05)
    assert all(0 <= e.label < len(td.classes) and td.classes[e.label] == e.label_word for e in td.train + td.test)
    assert len({e.id for e in td.train + td.test}) == len(td.train) + len(td.test)
    assert build_easy_task(task, seed=5, scale=0.05).test == td.test
    assert {e.split for e in td.train} == {"train"} and all("/test/" in e.image for e in td.test)

def test_easy_table1_proportions():
    assert easy_sizes("easy_ve", 0.1) == (900, 100) and easy_sizes("easy_hm", 0.1) == (700, 100) and easy_sizes("easy_vqax", 0.1) == (600, 96)

def test_easy_vqax_explanations_name_the_true_attributes():
    for e in build_easy_task("easy_vqax", scale=0.05).train:
        assert e.meta["color"] in e.explanation or e.meta["shape"] in e.explanation
        if e.label_word in ("circle", "rectangle", "triangle"): assert e.label_word == e.meta["shape"]
        if e.text.startswith("what color"): assert e.label_word == e.meta["color"]

def test_easy_ve_labels_follow_the_image():
    for e in build_easy_task("easy_ve", scale=0.05).train:
        says_c = e.meta["color"] in e.text.lower(); says_s = e.meta["shape"] in e.text.lower()
        if e.label_word == "entailment": assert says_s or says_c
        if e.label_word == "neutral": assert says_c and says_s
        if e.label_word == "contradiction": assert not (says_c and says_s)

def test_saved_suite_round_trip_and_errors(tmp_path):
    td = build_easy_task("easy_hm", scale=0.02)
    assert load_saved_task(save_task(td, tmp_path)).test == td.test
    (tmp_path / "empty.jsonl").write_text("")
    with pytest.raises(DataError, match="empty file"): load_saved_task(tmp_path / "empty.jsonl")

# ---------- e-SNLI-VE ----------
HEAD = ",pairID,Flickr30kID,hypothesis,gold_label,explanation\n"

@pytest.fixture
def flickr(tmp_path):
    d = tmp_path / "flickr"; d.mkdir()
    for n in ("100.jpg", "200.jpg"): (d / n).write_bytes(b"jpg")
    return d

def test_esnlive_fixture(tmp_path, flickr):
    f = tmp_path / "t.csv"
    f.write_text(HEAD + '0,100.jpg#0,100.jpg,"A man, outdoors.",entailment,he is outside\n1,200.jpg#1,200.jpg,Nobody.,contradiction,there is a man\n')
    ex = load_esnlive(f, flickr, "test")
    assert [(e.id, e.text, e.label, e.image.endswith("100.jpg")) for e in ex][0] == ("100.jpg#0", "A man, outdoors.", 2, True)
    assert ex[1].label_word == "contradiction" and ex[1].explanation == "there is a man"

@pytest.mark.parametrize("body,msg", [
    ("0,100.jpg#0,100.jpg,A.,Entailment!,x\n", "row 2: unknown gold_label"),
    ("0,100.jpg#0,100.jpg,A.,entailment,x\n1,100.jpg#0,100.jpg,B.,neutral,y\n", "row 3: duplicate pairID"),
    ("0,300.jpg#0,300.jpg,A.,entailment,x\n", "row 2: image"),
    ("0,100.jpg#0,100.jpg,,entailment,x\n", "row 2: empty hypothesis"),
    ("", "empty file"),
])
def test_esnlive_bad_input(tmp_path, flickr, body, msg):
    f = tmp_path / "bad.csv"; f.write_text(HEAD + body)
    with pytest.raises(DataError, match=msg) as e: load_esnlive(f, flickr, "train")
    assert "bad.csv" in str(e.value)

def test_esnlive_missing_column(tmp_path, flickr):
    f = tmp_path / "c.csv"; f.write_text("pairID,hypothesis,gold_label\n1,a,entailment\n")
    with pytest.raises(DataError, match="missing columns"): load_esnlive(f, flickr, "train")

# ---------- VQA-X ----------
def _q(question, answers, name, expl):
    return {"question": question, "answers": [{"answer": a, "answer_confidence": "yes", "answer_id": i + 1} for i, a in enumerate(answers)],
            "image_id": name[-10:-4], "image_name": name, "explanation": expl}

@pytest.fixture
def vqax(tmp_path):
    coco = tmp_path / "coco"; (coco / "train2014").mkdir(parents=True); (coco / "val2014").mkdir()
    (coco / "train2014" / "COCO_train2014_000000000001.jpg").write_bytes(b"j"); (coco / "val2014" / "COCO_val2014_000000000002.jpg").write_bytes(b"j")
    train = {"1": _q("What color?", ["red"] * 6 + ["blue"] * 4, "COCO_train2014_000000000001.jpg", ["it is red"]),
             "2": _q("Is it?", ["yes"] * 5 + ["no"] * 5, "COCO_train2014_000000000001.jpg", ["because"]),
             "3": _q("What room?", ["living room"] * 10, "COCO_train2014_000000000001.jpg", ["a sofa"]),
             "4": _q("Which?", ["red"] * 10, "COCO_train2014_000000000001.jpg", ["red again"])}
    test = {"9": _q("What room is this?", ["living room"] * 7 + ["den"] * 3, "COCO_val2014_000000000002.jpg", ["there is a couch", "sofa"])}
    (tmp_path / "train.json").write_text(json.dumps(train)); (tmp_path / "test.json").write_text(json.dumps(test))
    return tmp_path, coco

def test_vqax_fixture_vocab_and_answers(vqax):
    d, coco = vqax
    vocab = build_answer_vocab(d / "train.json", size=3129)
    assert vocab == ["red", "living room", "yes"]  # by frequency, ties alphabetical; "yes" wins the 5-5 tie by order given
    assert build_answer_vocab(d / "train.json", size=2) == ["red", "living room"]
    ex, skipped = load_vqax(d / "test.json", coco, "test", vocab)
    assert skipped == [] and ex[0].label_word == "living room" and ex[0].label == 1
    assert ex[0].image.endswith("val2014/COCO_val2014_000000000002.jpg") and ex[0].meta["explanations"] == ["there is a couch", "sofa"]

def test_vqax_oov_is_an_error_or_recorded(vqax):
    d, coco = vqax
    with pytest.raises(DataError, match="question 9 .*not in the 1-answer vocabulary"): load_vqax(d / "test.json", coco, "test", ["red"])
    ex, skipped = load_vqax(d / "test.json", coco, "test", ["red"], oov="skip")
    assert ex == [] and skipped == ["9"]

def test_vqax_bad_input(vqax, tmp_path):
    d, coco = vqax
    (tmp_path / "m.json").write_text(json.dumps({"5": {"question": "q"}}))
    with pytest.raises(DataError, match="m.json, question 5 .*missing keys"): load_vqax(tmp_path / "m.json", coco, "test", ["red"])
    (tmp_path / "e.json").write_text("{}")
    with pytest.raises(DataError, match="empty file"): load_vqax(tmp_path / "e.json", coco, "test", ["red"])
    (tmp_path / "i.json").write_text(json.dumps({"6": _q("q", ["red"] * 10, "COCO_val2014_000000000404.jpg", ["x"])}))
    with pytest.raises(DataError, match="i.json, row 1 .*image"): load_vqax(tmp_path / "i.json", coco, "test", ["red"])

# ---------- Hateful Memes (fixtures in the released schema; the real data is never committed) ----------
@pytest.fixture
def memes(tmp_path):
    (tmp_path / "img").mkdir()
    for n in ("05000", "12345", "67890"): (tmp_path / "img" / f"{n}.png").write_bytes(b"p")
    rows = [{"id": 5000, "img": "img/05000.png", "label": 1, "text": "a hateful caption"},
            {"id": 12345, "img": "img/12345.png", "label": 0, "text": "a kind caption"},
            {"id": 67890, "img": "img/67890.png", "label": 1, "text": "another hateful one"}]
    (tmp_path / "train.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    (tmp_path / "expl.csv").write_text(",img,explanation\n0,5000.png,this meme is offensive because it mocks a group\n1,67890.png,it targets a religion\n")
    return tmp_path

def test_hateful_memes_fixture(memes):
    expl = load_meme_explanations(memes / "expl.csv")
    assert expl[5000].startswith("this meme")  # "5000.png" (leading zero lost) matches meme 05000
    ex, label_only = load_hateful_memes(memes / "train.jsonl", memes, expl, "train")
    assert [(e.label_word, e.explanation[:10]) for e in ex] == [("offensive", "this meme "), ("not offensive", "not offens"), ("offensive", "it targets")]
    assert label_only == []

def test_hateful_memes_missing_explanation(memes):
    expl = {5000: "x"}
    with pytest.raises(DataError, match=r"train.jsonl, row 3: hateful meme 67890 has no explanation.*label_only"):
        load_hateful_memes(memes / "train.jsonl", memes, expl, "train")
    ex, label_only = load_hateful_memes(memes / "train.jsonl", memes, expl, "train", missing_explanation="label_only")
    assert label_only == ["67890"] and len(ex) == 3 and ex[2].explanation == ""

@pytest.mark.parametrize("line,msg", [('{"id": 1, "img": "img/12345.png", "label": 2, "text": "t"}', "row 1: unknown label 2"),
                                      ('{"id": 1, "img": "img/12345.png"', "row 1: malformed"),
                                      ('{"id": 1, "img": "img/99999.png", "label": 0, "text": "t"}', "row 1: image")])
def test_hateful_memes_bad_rows(memes, line, msg):
    (memes / "bad.jsonl").write_text(line + "\n")
    with pytest.raises(DataError, match=msg): load_hateful_memes(memes / "bad.jsonl", memes, {}, "test")

def test_meme_explanation_conflict(tmp_path):
    (tmp_path / "c.csv").write_text("img,explanation\n1.png,a\n01.png,b\n")
    with pytest.raises(DataError, match="c.csv, row 3: meme 1 already has a different explanation"): load_meme_explanations(tmp_path / "c.csv")

def test_load_task_reads_settings_paths(memes, tmp_path):
    from cause.config import Settings
    s = tmp_path / "settings.ini"
    s.write_text(f"[paths]\ncache_dir = {tmp_path}/cache\n[hateful_memes]\ntrain_jsonl = {memes}/train.jsonl\ntest_jsonl = {memes}/train.jsonl\n"
                 f"image_dir = {memes}\nexplanations_csv = {memes}/expl.csv\n")
    td = load_task("hateful_memes", Settings(s))
    assert (len(td.train), len(td.test), td.classes) == (3, 3, ["not offensive", "offensive"])
    with pytest.raises(ValueError, match=r"\[esnlive\] image_dir is not set"): load_task("esnlive", Settings(s))

# ---------- the real annotation files (skipped when ../shared/realdata is absent) ----------
needs_real = pytest.mark.skipif(not REALDATA.exists(), reason=f"{REALDATA} not present")

@needs_real
def test_real_esnlive_test_annotations(tmp_path):
    ex = load_esnlive(REALDATA / "esnlive_test.csv", tmp_path, "test", check_images=False)
    assert len(ex) == 14_740
    assert {e.label_word for e in ex} == {"contradiction", "neutral", "entailment"}
    assert ex[0].id == "3416050480.jpg#4r1c" and ex[0].label_word == "contradiction" and ex[0].image.endswith("3416050480.jpg")
    with pytest.raises(DataError, match="esnlive_test.csv, row 2: image"): load_esnlive(REALDATA / "esnlive_test.csv", tmp_path, "test")

@needs_real
def test_real_vqax_test_annotations(tmp_path):
    vocab = build_answer_vocab(REALDATA / "vqaX_test.json")
    ex, skipped = load_vqax(REALDATA / "vqaX_test.json", tmp_path, "test", vocab, check_images=False)
    assert len(ex) == 1_968 and skipped == []
    first = next(e for e in ex if e.id == "262284001")
    assert first.label_word == "shower" and first.explanation == "it has a shower head hanging inside of it"
    assert first.image.endswith("val2014/COCO_val2014_000000262284.jpg")
    assert len(build_answer_vocab(REALDATA / "vqaX_test.json", size=50)) == 50
