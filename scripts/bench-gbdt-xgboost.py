"""XGBoost reference for scripts/bench-gbdt.ts: same data, same hyperparameters.

    npx tsx scripts/bench-gbdt.ts --export /tmp/gbdt-bench
    /usr/bin/python3 scripts/bench-gbdt-xgboost.py /tmp/gbdt-bench [small|large|all]

Needs Debian's python3-xgboost (apt-get install -y python3-xgboost); run it with
/usr/bin/python3. Trains with tree_method=hist, max_bin=255, depth 6, eta 0.1,
lambda 1, min_child_weight 1, no subsampling, base_score = the training
positive rate (as our learner starts), once with 1 thread and once with 2.
"""

import json
import os
import sys
import time

import numpy as np
import xgboost as xgb
from scipy.stats import rankdata


def roc_auc(labels, scores):
    ranks = rankdata(scores)
    pos = labels == 1
    n_pos = int(pos.sum())
    n_neg = len(labels) - n_pos
    return (ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def load(directory, name, n_rows, n_cols):
    x = np.fromfile(os.path.join(directory, f"{name}-x.f64"), dtype="<f8").reshape(n_rows, n_cols)
    y = np.fromfile(os.path.join(directory, f"{name}-y.f64"), dtype="<f8")
    return x, y


def run(directory, case):
    meta = json.load(open(os.path.join(directory, f"{case}.json")))
    p = meta["params"]
    x, y = load(directory, f"{case}-train", meta["nTrain"], meta["nFeatures"])
    xt, yt = load(directory, f"{case}-test", meta["nTest"], meta["nFeatures"])
    params = {
        "objective": "binary:logistic",
        "tree_method": "hist",
        "max_bin": p["maxBins"],
        "max_depth": p["maxDepth"],
        "eta": p["learningRate"],
        "lambda": p["lambda"],
        "min_child_weight": p["minChildWeight"],
        "gamma": p["minSplitGain"],
        "subsample": 1.0,
        "colsample_bytree": 1.0,
        "base_score": float(y.mean()),
        "seed": p["seed"],
    }
    for threads in (1, 2):
        t0 = time.perf_counter()
        dtrain = xgb.DMatrix(x, label=y, missing=np.nan, nthread=threads)
        booster = xgb.train({**params, "nthread": threads}, dtrain, num_boost_round=meta["nTrees"])
        seconds = time.perf_counter() - t0
        auc = roc_auc(yt, booster.predict(xgb.DMatrix(xt, missing=np.nan), output_margin=True))
        print(json.dumps({
            "case": case, "library": f"xgboost {xgb.__version__}", "threads": threads,
            "rows": meta["nTrain"], "features": meta["nFeatures"], "trees": meta["nTrees"],
            "trainSeconds": round(seconds, 2), "heldOutAuc": round(float(auc), 4),
        }))


if __name__ == "__main__":
    directory = sys.argv[1]
    which = sys.argv[2] if len(sys.argv) > 2 else "all"
    for case in (["small", "large"] if which == "all" else [which]):
        run(directory, case)
