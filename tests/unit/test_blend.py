"""The neural backend's linear/neural blend: folding, weight selection, and the blended Stanford CV."""

from __future__ import annotations

import numpy as np
import pytest

from refernlp.modelio import LinearModel, probabilities
from refernlp.training import (
    BLEND_GRID,
    TrainingConfig,
    blend_curve,
    choose_blend,
    fold_blend,
    pick_weight,
    to_linear,
)

pytest.importorskip("sklearn", reason="the train extra is not installed")
sp = pytest.importorskip("scipy.sparse", reason="the train extra is not installed")


def _model(rng, labels, width=64, dim=8, dense=True):
    rows = 1 if len(labels) == 2 else len(labels)
    return LinearModel(
        task="politeness" if len(labels) == 3 else "transparency",
        labels=tuple(labels),
        coef=rng.normal(size=(rows, width)).astype(np.float32),
        intercept=rng.normal(size=rows).astype(np.float32),
        dense=rng.normal(size=(rows, dim)).astype(np.float32) if dense else None,
    )


@pytest.mark.parametrize("labels", [("impolite", "neutral", "polite"), ("high", "low")])
@pytest.mark.parametrize("w", [0.3, 0.7, 1.0])
def test_folded_model_is_the_log_linear_pool_of_both_heads(labels, w):
    rng = np.random.default_rng(1)
    linear, neural = _model(rng, labels, dense=False), _model(rng, labels)
    folded = fold_blend(linear, neural, w)
    for _ in range(20):
        idx = np.sort(rng.choice(64, size=10, replace=False))
        val = rng.normal(size=10)
        emb = rng.normal(size=8)
        zl = linear.decision(idx, val)
        zn = neural.decision(idx, val, emb)
        # pooled probabilities: p ∝ p_linear^(1-w) * p_neural^w
        pl, pn = linear.proba_from_decision(zl), neural.proba_from_decision(zn)
        pooled = pl ** (1 - w) * pn**w
        pooled /= pooled.sum()
        got = folded.predict_proba(idx, val, embedding=emb)
        assert np.allclose(got, pooled, atol=1e-5)
        assert np.allclose(got, probabilities(((1 - w) * zl + w * zn)[None, :])[0], atol=1e-5)


def test_weight_zero_gives_the_linear_model_back():
    rng = np.random.default_rng(2)
    linear, neural = _model(rng, ("a", "b", "c"), dense=False), _model(rng, ("a", "b", "c"))
    assert fold_blend(linear, neural, 0.0) is linear
    full = fold_blend(linear, neural, 1.0)
    assert np.array_equal(full.coef, neural.coef) and np.array_equal(full.dense, neural.dense)


def test_blending_mismatched_models_is_refused():
    rng = np.random.default_rng(3)
    with pytest.raises(Exception, match="cannot blend"):
        fold_blend(_model(rng, ("a", "b", "c")), _model(rng, ("x", "y", "z")), 0.5)


def test_pick_weight_breaks_ties_by_log_loss_then_smaller_weight():
    curve = [{"weight": g, "accuracy": 0.9 if g in (0.3, 0.6) else 0.8, "log_loss": 0.5 if g == 0.6 else 0.7} for g in BLEND_GRID]
    assert pick_weight(curve, "accuracy") == 0.6
    flat = [{"weight": g, "accuracy": 0.9, "log_loss": 0.5} for g in BLEND_GRID]
    assert pick_weight(flat, "accuracy") == 0.0


def test_blend_curve_ends_are_the_single_heads():
    rng = np.random.default_rng(4)
    zl, zn = rng.normal(size=(50, 3)), rng.normal(size=(50, 3))
    gold = rng.integers(0, 3, size=50)
    curve = blend_curve(zl, zn, gold, np.ones(50), 3)
    assert [r["weight"] for r in curve] == list(BLEND_GRID)
    assert curve[0]["accuracy"] == pytest.approx(float((zl.argmax(1) == gold).mean()))
    assert curve[-1]["accuracy"] == pytest.approx(float((zn.argmax(1) == gold).mean()))


def _synthetic(informative: str, n=240, seed=0):
    """Two views of n examples: one carries the label, the other is noise."""
    rng = np.random.default_rng(seed)
    y = np.array(["general", "none", "targeted"])[rng.integers(0, 3, size=n)]
    signal = np.stack([(y == c).astype(float) for c in ("general", "none", "targeted")], axis=1) * 2 + rng.normal(size=(n, 3))
    noise = rng.normal(size=(n, 3))
    good, bad = sp.csr_matrix(np.hstack([signal, rng.normal(size=(n, 5))])), sp.csr_matrix(np.hstack([noise, rng.normal(size=(n, 5))]))
    return (bad, good, y) if informative == "neural" else (good, bad, y)


@pytest.mark.parametrize("informative", ["neural", "linear"])
def test_choose_blend_follows_the_informative_head(informative):
    XL, XN, y = _synthetic(informative)
    config = TrainingConfig.from_dict({"blend_folds": 3})
    w, info = choose_blend("request_type", XL, XN, list(y), np.ones(len(y)), config)
    curve = {r["weight"]: r["macro_f1"] for r in info["selection"]["curve"]}
    noise_end, signal_end = (0.0, 1.0) if informative == "neural" else (1.0, 0.0)
    assert curve[noise_end] < 0.5 < 0.8 < curve[signal_end]  # held-out scores: the noise head alone is near chance
    assert curve[w] == max(curve.values())
    # a noise head's logits are small, so adding a little of it costs nothing; relying on it mostly does
    assert (w > 0.0) if informative == "neural" else (w < 1.0)
    assert abs(w - signal_end) <= 0.6
    assert info["neural_weight"] == w and info["selection"]["folds"] == 3 and len(info["selection"]["curve"]) == len(BLEND_GRID)


def test_embedding_scale_is_folded_into_the_dense_weights():
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(5)
    n, width, dim = 120, 16, 4
    X = sp.random(n, width, density=0.3, random_state=5, format="csr")
    E = rng.normal(size=(n, dim))
    y = np.where(E[:, 0] + X.toarray()[:, 0] > 0, "polite", "impolite")
    y[:3] = "neutral"
    clf = LogisticRegression(max_iter=500).fit(sp.hstack([X, sp.csr_matrix(E * 2.5)]).tocsr(), y)
    model = to_linear("politeness", clf, tuple(clf.classes_), 4, embedding_scale=2.5)
    for i in range(10):
        row = X[i]
        got = model.predict_proba(row.indices, row.data, embedding=E[i])
        assert np.allclose(got, clf.predict_proba(sp.hstack([row, sp.csr_matrix(E[i : i + 1] * 2.5)]).tocsr())[0], atol=1e-4)


def test_blend_folds_are_validated():
    from refernlp.errors import ConfigError, DataError

    XL, XN, y = _synthetic("neural", n=60)
    with pytest.raises(ConfigError, match="blend_folds"):
        choose_blend("request_type", XL, XN, list(y), np.ones(len(y)), TrainingConfig.from_dict({"blend_folds": 1}))
    y = list(y)
    y[:] = ["general"] * 57 + ["none"] * 2 + ["targeted"]
    with pytest.raises(DataError, match="fewer than blend_folds"):
        choose_blend("request_type", XL, XN, y, np.ones(len(y)), TrainingConfig.from_dict({"blend_folds": 3}))
