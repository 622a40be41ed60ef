"""The loaders on fixtures in each dataset's real schema (the real Hateful Memes data may not be
redistributed), every malformed input the loaders must refuse or count, and the real e-SNLI-VE /
VQA-X test annotations when present."""

import json
import pytest
from conftest import REALDATA
from cause.config import Settings
from cause.data import (
    DataError,
    build_answer_vocab,
    build_easy_task,
    easy_sizes,
    load_esnlive,
    load_hateful_memes,
    load_meme_explanations,
    load_saved_task,
    load_vqax,
    save_task,
    load_task,
    EASY_TASKS,
)


# ---------- easy suite ----------
@pytest.mark.parametrize("task", list(EASY_TASKS))
def test_easy_task_sizes_labels_and_determinism(task):
    td = build_easy_task(task, seed=5, scale=0.05)
    assert (len(td.train), len(td.test)) == easy_sizes(task, 0.05)
    assert all(
        0 <= e.label < len(td.classes) and td.classes[e.label] == e.label_word
        for e in td.train + td.test
    )
    assert len({e.id for e in td.train + td.test}) == len(td.train) + len(td.test)
    assert build_easy_task(task, seed=5, scale=0.05).test == td.test
    assert {e.split for e in td.train} == {"train"} and all("/test/" in e.image for e in td.test)


def test_easy_table1_proportions():
    assert easy_sizes("easy_ve", 0.1) == (900, 100) and easy_sizes("easy_hm", 0.1) == (700, 100)
    assert easy_sizes("easy_vqax", 0.1) == (600, 96) and easy_sizes("easy_vqax", 0.1, 0.35) == (
        600,
        336,
    )


def test_easy_ve_labels_follow_the_image():
    for e in build_easy_task("easy_ve", seed=42, scale=0.05).train:
        says_c, says_s = e.meta["color"] in e.text.lower(), e.meta["shape"] in e.text.lower()
        if e.label_word == "entailment":
            assert says_s or says_c
        if e.label_word == "neutral":
            assert says_c and says_s
        if e.label_word == "contradiction":
            assert not (says_c and says_s)


def test_saved_suite_round_trip_and_errors(tmp_path):
    td = build_easy_task("easy_hm", seed=42, scale=0.02)
    assert load_saved_task(save_task(td, tmp_path)).test == td.test
    (tmp_path / "empty.jsonl").write_text("")
    with pytest.raises(DataError, match="empty file"):
        load_saved_task(tmp_path / "empty.jsonl")


# ---------- e-SNLI-VE ----------
HEAD = ",pairID,Flickr30kID,hypothesis,gold_label,explanation\n"


@pytest.fixture
def flickr(tmp_path):
    d = tmp_path / "flickr"
    d.mkdir()
    for n in ("100.jpg", "200.jpg"):
        (d / n).write_bytes(b"jpg")
    return d


def test_esnlive_fixture(tmp_path, flickr):
    f = tmp_path / "t.csv"
    f.write_text(
        HEAD + '0,100.jpg#0,100.jpg,"A man, outdoors.",entailment,he is outside\n'
        '1,200.jpg#1,200.jpg,Nobody.,contradiction,there is a man\n'
    )
    ex = load_esnlive(f, flickr, "test")
    assert [(e.id, e.text, e.label, e.image.endswith("100.jpg")) for e in ex][0] == (
        "100.jpg#0",
        "A man, outdoors.",
        2,
        True,
    )
    assert ex[1].label_word == "contradiction" and ex[1].explanation == "there is a man"


@pytest.mark.parametrize(
    "body,msg",
    [
        ("0,100.jpg#0,100.jpg,A.,Entailment!,x\n", "row 2: field 'gold_label': unknown label"),
        (
            "0,100.jpg#0,100.jpg,A.,entailment,x\n1,100.jpg#0,100.jpg,B.,neutral,y\n",
            "row 3: duplicate pairID '100.jpg#0' .first at row 2",
        ),
        ("0,300.jpg#0,300.jpg,A.,entailment,x\n", "row 2: image"),
        ("0,100.jpg#0,100.jpg,,entailment,x\n", "row 2: field 'hypothesis' is empty"),
        (
            "0,100.jpg#0,100.jpg,A.,entailment,\n",
            "row 2: field 'explanation' is empty",
        ),  # accepted on the old main
        (
            "0,100.jpg#0,100.jpg,A.,entailment\n",
            "row 2: 5 fields, but the header has 6",
        ),  # a short row
        ("0,100.jpg#0,100.jpg,A.,entailment,x,extra\n", "row 2: 7 fields, but the header has 6"),
        ("", "empty file"),
    ],
)
def test_esnlive_bad_input(tmp_path, flickr, body, msg):
    f = tmp_path / "bad.csv"
    f.write_text(HEAD + body)
    with pytest.raises(DataError, match=msg) as e:
        load_esnlive(f, flickr, "train")
    assert "bad.csv" in str(e.value)


def test_esnlive_encoding_bom_folder_and_missing_column(tmp_path, flickr):
    (tmp_path / "latin.csv").write_bytes(
        (HEAD + "0,100.jpg#0,100.jpg,Un caf\xe9.,entailment,x\n").encode("latin-1")
    )
    with pytest.raises(DataError, match=r"latin.csv, line 2: not UTF-8 text"):
        load_esnlive(tmp_path / "latin.csv", flickr, "test")
    (tmp_path / "bom.csv").write_bytes(
        ("\ufeff" + HEAD.lstrip(",").replace("pairID", "pairID", 1)).encode()
        + b"100.jpg#0,100.jpg,A dog.,neutral,maybe\n"
    )
    assert (
        load_esnlive(tmp_path / "bom.csv", flickr, "test")[0].id == "100.jpg#0"
    )  # a BOM is not part of `pairID`
    with pytest.raises(DataError, match="is a folder, not a file"):
        load_esnlive(tmp_path, flickr, "test")
    (tmp_path / "c.csv").write_text("pairID,hypothesis,gold_label\n1,a,entailment\n")
    with pytest.raises(DataError, match="missing columns"):
        load_esnlive(tmp_path / "c.csv", flickr, "train")


# ---------- VQA-X ----------
def _q(question, answers, name, expl):
    return {
        "question": question,
        "answers": [
            {"answer": a, "answer_confidence": "yes", "answer_id": i + 1}
            for i, a in enumerate(answers)
        ],
        "image_id": name[-10:-4],
        "image_name": name,
        "explanation": expl,
    }


@pytest.fixture
def vqax(tmp_path):
    coco = tmp_path / "coco"
    (coco / "train2014").mkdir(parents=True)
    (coco / "val2014").mkdir()
    (coco / "train2014" / "COCO_train2014_000000000001.jpg").write_bytes(b"j")
    (coco / "val2014" / "COCO_val2014_000000000002.jpg").write_bytes(b"j")
    train = {
        "1": _q(
            "What color?",
            ["red"] * 6 + ["blue"] * 4,
            "COCO_train2014_000000000001.jpg",
            ["it is red"],
        ),
        "2": _q("Is it?", ["yes"] * 5 + ["no"] * 5, "COCO_train2014_000000000001.jpg", ["because"]),
        "3": _q("What room?", ["living room"] * 10, "COCO_train2014_000000000001.jpg", ["a sofa"]),
        "4": _q("Which?", ["red"] * 10, "COCO_train2014_000000000001.jpg", ["red again"]),
    }
    test = {
        "9": _q(
            "What room is this?",
            ["living room"] * 7 + ["den"] * 3,
            "COCO_val2014_000000000002.jpg",
            ["there is a couch", "sofa"],
        )
    }
    (tmp_path / "train.json").write_text(json.dumps(train))
    (tmp_path / "test.json").write_text(json.dumps(test))
    return tmp_path, coco


def test_vqax_fixture_vocab_and_answers(vqax):
    d, coco = vqax
    vocab = build_answer_vocab(d / "train.json", size=3129)
    assert vocab == [
        "red",
        "living room",
        "yes",
    ]  # by frequency, ties alphabetical; "yes" wins the 5-5 tie by order given
    assert build_answer_vocab(d / "train.json", size=2) == ["red", "living room"]
    ex, skipped = load_vqax(d / "test.json", coco, "test", vocab)
    assert skipped == [] and ex[0].label_word == "living room" and ex[0].label == 1
    assert ex[0].image.endswith("val2014/COCO_val2014_000000000002.jpg") and ex[0].meta[
        "explanations"
    ] == ["there is a couch", "sofa"]


def test_vqax_oov_is_an_error_or_counted(vqax):
    d, coco = vqax
    with pytest.raises(DataError, match="question 9 .*not in the 1-answer vocabulary"):
        load_vqax(d / "test.json", coco, "test", ["red"])
    ex, skipped = load_vqax(d / "test.json", coco, "test", ["red"], oov="skip")
    assert ex == [] and skipped == ["9"]


@pytest.mark.parametrize(
    "record,msg",
    [
        ({"question": "q"}, "field 'answers' must be a non-empty list"),
        (
            {**_q("q", ["red"] * 10, "COCO_val2014_000000000002.jpg", "it is red")},
            "field 'explanation' must be a list of strings",
        ),
        (
            {**_q(7, ["red"] * 10, "COCO_val2014_000000000002.jpg", ["x"])},
            "field 'question' must be str, got 7",
        ),
        (
            {**_q("q", ["red"] * 10, "COCO_val2014_000000000002.jpg", [""])},
            "field 'explanation' holds no explanation",
        ),
        ({**_q("q", ["red"] * 10, "COCO_val2014_000000000404.jpg", ["x"])}, "row 1 .*image"),
    ],
)
def test_vqax_bad_records(vqax, tmp_path, record, msg):
    _, coco = vqax
    (tmp_path / "m.json").write_text(json.dumps({"5": record}))
    with pytest.raises(DataError, match=msg) as e:
        load_vqax(tmp_path / "m.json", coco, "test", ["red"])
    assert "m.json" in str(e.value)


def test_vqax_duplicate_ids_empty_and_non_utf8(vqax, tmp_path):
    _, coco = vqax
    rec = json.dumps(_q("q", ["red"] * 10, "COCO_val2014_000000000002.jpg", ["x"]))
    (tmp_path / "dup.json").write_text(
        '{"5": ' + rec + ', "5": ' + rec + "}"
    )  # json keeps the last silently
    with pytest.raises(DataError, match="dup.json: question id '5' appears twice"):
        load_vqax(tmp_path / "dup.json", coco, "test", ["red"])
    (tmp_path / "e.json").write_text("{}")
    with pytest.raises(DataError, match="empty file"):
        load_vqax(tmp_path / "e.json", coco, "test", ["red"])
    (tmp_path / "b.json").write_bytes(b'{"5": {"question": "caf\xe9"}}')
    with pytest.raises(DataError, match="b.json, line 1: not UTF-8"):
        load_vqax(tmp_path / "b.json", coco, "test", ["red"])


# ---------- Hateful Memes (fixtures in the released schema; the real data is never committed)
# ----------
@pytest.fixture
def memes(tmp_path):
    (tmp_path / "img").mkdir()
    for n in ("05000", "12345", "67890", "02973"):
        (tmp_path / "img" / f"{n}.png").write_bytes(b"p")
    rows = [
        {"id": 5000, "img": "img/05000.png", "label": 1, "text": "a hateful caption"},
        {"id": 12345, "img": "img/12345.png", "label": 0, "text": "a kind caption"},
        {"id": 67890, "img": "img/67890.png", "label": 1, "text": "another hateful one"},
        {"id": "02973", "img": "img/02973.png", "label": 0, "text": ""},
    ]
    (tmp_path / "train.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    (tmp_path / "expl.csv").write_text(
        ",img,explanation\n0,5000.png,this meme is offensive because it mocks a group\n"
        "1,67890.png,it targets a religion\n2,12345.png,this meme may not be offensive\n"
        "3,99999.png,an explanation of no meme\n4,,\n5,Total rows,598\n"
    )
    return tmp_path


def test_hateful_memes_fixture_and_counts(memes):
    expl, skipped = load_meme_explanations(memes / "expl.csv")
    assert expl[5000].startswith("this meme")  # "5000.png" (leading zero lost) matches meme 05000
    assert skipped == {
        "explanations: not a meme image name": 2
    }  # the trailing non-data rows are counted, not attached
    ex, counts = load_hateful_memes(memes / "train.jsonl", memes, expl, "train")
    assert [(e.id, e.label_word, e.explanation[:10]) for e in ex] == [
        ("5000", "offensive", "this meme "),
        ("12345", "not offensive", "not offens"),
        ("67890", "offensive", "it targets"),
        ("02973", "not offensive", "not offens"),
    ]  # ids kept as written
    assert counts == {}


def test_hateful_memes_task_reports_every_rule(memes, tmp_path):
    (memes / "test.jsonl").write_text(
        json.dumps({"id": 67891, "img": "img/67890.png", "label": 1, "text": "t"}) + "\n"
    )
    s = tmp_path / "settings.ini"
    s.write_text(
        f"[paths]\ncache_dir = {tmp_path}/cache\n[hateful_memes]\ntrain_jsonl = "
        f"{memes}/train.jsonl\n"
        f"test_jsonl = {memes}/test.jsonl\nimage_dir = {memes}\nexplanations_csv = "
        f"{memes}/expl.csv\n"
    )
    td = load_task("hateful_memes", Settings(s))
    assert (len(td.train), len(td.test), td.classes) == (4, 1, ["not offensive", "offensive"])
    assert td.info["skipped"]["explanations: matches no meme"] == 1
    assert (
        td.info["skipped"]["explanations: meme labelled not hateful"] == 1
    )  # reported, and its target stays "not offensive"
    assert td.train[1].explanation == "not offensive"
    with pytest.raises(ValueError, match=r"\[esnlive\] image_dir is not set"):
        load_task("esnlive", Settings(s))


def test_hateful_memes_missing_explanation_policies(memes):
    expl = {5000: "x"}
    ex, counts = load_hateful_memes(
        memes / "train.jsonl", memes, expl, "train"
    )  # default: label_only
    assert (
        len(ex) == 4
        and ex[2].explanation == ""
        and counts == {"hateful without explanation: kept label-only": 1}
    )
    ex, counts = load_hateful_memes(
        memes / "train.jsonl", memes, expl, "train", missing_explanation="drop"
    )
    assert [e.id for e in ex] == ["5000", "12345", "02973"] and counts == {
        "hateful without explanation: dropped": 1
    }
    with pytest.raises(DataError, match=r"train.jsonl, row 3: hateful meme has no explanation"):
        load_hateful_memes(memes / "train.jsonl", memes, expl, "train", missing_explanation="raise")


@pytest.mark.parametrize(
    "line,msg",
    [
        (
            '{"id": 1, "img": "img/12345.png", "label": 2, "text": "t"}',
            "row 1: field 'label': unknown label 2",
        ),
        (
            '{"id": 1, "img": "img/12345.png", "label": true, "text": "t"}',
            "row 1: field 'label' must be int, got true",
        ),
        (
            '{"id": 1, "img": "img/12345.png", "label": 1.0, "text": "t"}',
            "row 1: field 'label' must be int, got 1.0",
        ),
        (
            '{"id": 1, "img": "img/12345.png", "label": 0, "text": null}',
            "row 1: field 'text' must be str, got null",
        ),
        ('{"id": 1, "img": "img/12345.png"', "row 1: malformed"),
        ('{"id": 1, "img": "img/99999.png", "label": 0, "text": "t"}', "row 1: image"),
        (
            '{"id": 1, "img": "img/12345.png", "label": 0, "text": "t"}\n'
            '{"id": 1, "img": "img/12345.png", "label": 0, "text": "u"}',
            "row 2: duplicate meme id '1' .first at row 1",
        ),
    ],
)
def test_hateful_memes_bad_rows(memes, line, msg):
    (memes / "bad.jsonl").write_text(line + "\n")
    with pytest.raises(DataError, match=msg):
        load_hateful_memes(memes / "bad.jsonl", memes, {}, "test")


def test_meme_records_refuse_repeated_keys_and_nul_bytes(memes):
    (memes / "bad.jsonl").write_text(
        '{"id": 1, "img": "img/12345.png", "label": 0, "label": 1, "text": "t"}\n'
    )
    with pytest.raises(DataError, match=r"bad.jsonl, row 1: field 'label' appears twice"):
        load_hateful_memes(memes / "bad.jsonl", memes, {}, "test")
    (memes / "nul.jsonl").write_text(
        json.dumps({"id": 1, "img": "img/12345.png", "label": 0, "text": "a\x00b"}) + "\n"
    )
    with pytest.raises(DataError, match=r"nul.jsonl, row 1: field 'text' holds a NUL byte"):
        load_hateful_memes(memes / "nul.jsonl", memes, {}, "test")


def test_a_test_split_that_shares_training_items_is_refused(memes, tmp_path):
    (memes / "test.jsonl").write_text((memes / "train.jsonl").read_text().splitlines()[0] + "\n")
    s = tmp_path / "settings.ini"
    s.write_text(
        f"[paths]\ncache_dir = {tmp_path}/cache\n[hateful_memes]\ntrain_jsonl = "
        f"{memes}/train.jsonl\n"
        f"test_jsonl = {memes}/test.jsonl\nimage_dir = {memes}\nexplanations_csv = "
        f"{memes}/expl.csv\n"
    )
    with pytest.raises(
        DataError, match=r"test.jsonl: the test split shares 1 item\(s\) with the training split"
    ):
        load_task("hateful_memes", Settings(s))


def test_a_one_class_test_split_is_reported(memes, tmp_path):
    (memes / "test.jsonl").write_text(
        json.dumps({"id": 9, "img": "img/67890.png", "label": 1, "text": "t"}) + "\n"
    )
    s = tmp_path / "settings.ini"
    s.write_text(
        f"[paths]\ncache_dir = {tmp_path}/cache\n[hateful_memes]\ntrain_jsonl = "
        f"{memes}/train.jsonl\n"
        f"test_jsonl = {memes}/test.jsonl\nimage_dir = {memes}\nexplanations_csv = "
        f"{memes}/expl.csv\n"
    )
    with pytest.warns(UserWarning, match="the test split holds one class only"):
        td = load_task("hateful_memes", Settings(s))
    assert any("one class only" in w for w in td.info["warnings"])


def test_csv_field_over_the_limit_and_blank_rows(tmp_path, flickr):
    f = tmp_path / "big.csv"
    f.write_text(HEAD + '0,100.jpg#0,100.jpg,"' + "x" * 200_000 + '",entailment,e\n')
    with pytest.raises(
        DataError, match=r"big.csv, row 2: malformed CSV row \(field larger than field limit"
    ):
        load_esnlive(f, flickr, "test")
    (tmp_path / "e.csv").write_text("img,explanation\n1.png,a\n,\nnot-an-image,b\n")
    expl, skipped = load_meme_explanations(tmp_path / "e.csv")
    assert expl == {1: "a"} and skipped == {
        "explanations: blank row": 1,
        "explanations: not a meme image name": 1,
    }


def test_vqax_vocab_refuses_an_entry_that_is_not_a_record(tmp_path):
    (tmp_path / "train.json").write_text(json.dumps({"123": "not a record"}))
    with pytest.raises(DataError, match=r"train.json, question 123 \(entry 1\): not a record"):
        build_answer_vocab(tmp_path / "train.json")


def test_meme_explanation_conflict_and_non_utf8(tmp_path):
    (tmp_path / "c.csv").write_text("img,explanation\n1.png,a\n01.png,b\n")
    with pytest.raises(DataError, match="c.csv, row 3: meme 1 already has a different explanation"):
        load_meme_explanations(tmp_path / "c.csv")
    (tmp_path / "d.jsonl").write_bytes(
        b'{"id": 1, "img": "img/1.png", "label": 0, "text": "caf\xe9"}\n'
    )
    with pytest.raises(DataError, match="d.jsonl, line 1: not UTF-8"):
        load_hateful_memes(tmp_path / "d.jsonl", tmp_path, {}, "test")


def test_annotation_only_mode_and_the_data_command(memes, tmp_path, capsys):
    from cause.cli import main

    (memes / "test.jsonl").write_text(
        json.dumps({"id": 1, "img": "img/00001.png", "label": 0, "text": "no image here"}) + "\n"
    )
    s = tmp_path / "settings.ini"
    s.write_text(
        f"[paths]\ncache_dir = {tmp_path}/cache\n[hateful_memes]\ntrain_jsonl = "
        f"{memes}/train.jsonl\n"
        f"test_jsonl = {memes}/test.jsonl\nimage_dir = {memes}\nexplanations_csv = "
        f"{memes}/expl.csv\n[profile.cpu]\n"
    )
    assert main(["--settings", str(s), "data", "hateful_memes"]) == 2  # the test image is missing
    assert "00001.png does not exist" in capsys.readouterr().err
    assert main(["--settings", str(s), "data", "hateful_memes", "--no-images"]) == 0
    out = capsys.readouterr().out
    assert (
        "hateful_memes: 2 classes, train 4, test 1" in out
        and "train per class: not offensive 2, offensive 2" in out
    )
    assert "explanations: not a meme image name: 2" in out


# ---------- the real annotation files (skipped when ../shared/realdata is absent) ----------
needs_real = pytest.mark.skipif(not REALDATA.exists(), reason=f"{REALDATA} not present")


@needs_real
def test_real_esnlive_test_annotations(tmp_path):
    ex = load_esnlive(REALDATA / "esnlive_test.csv", tmp_path, "test", check_images=False)
    assert len(ex) == 14_740
    assert {e.label_word for e in ex} == {"contradiction", "neutral", "entailment"}
    assert (
        ex[0].id == "3416050480.jpg#4r1c"
        and ex[0].label_word == "contradiction"
        and ex[0].image.endswith("3416050480.jpg")
    )
    with pytest.raises(DataError, match="esnlive_test.csv, row 2: image"):
        load_esnlive(REALDATA / "esnlive_test.csv", tmp_path, "test")


@needs_real
def test_real_vqax_test_annotations(tmp_path):
    vocab = build_answer_vocab(REALDATA / "vqaX_test.json")
    ex, skipped = load_vqax(
        REALDATA / "vqaX_test.json", tmp_path, "test", vocab, check_images=False
    )
    assert len(ex) == 1_968 and skipped == []
    first = next(e for e in ex if e.id == "262284001")
    assert (
        first.label_word == "shower"
        and first.explanation == "it has a shower head hanging inside of it"
    )
    assert first.image.endswith("val2014/COCO_val2014_000000262284.jpg")
    assert len(build_answer_vocab(REALDATA / "vqaX_test.json", size=50)) == 50
