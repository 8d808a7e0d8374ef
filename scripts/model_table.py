"""Write the model zoo table of the documentation (docs/models.md) from the registry.

    .venv/bin/python scripts/model_table.py > docs/models.md

One row per registry entry: name, family, input kinds, tasks, the minimum window (bp), the
parameter count of the Keras model built at its reference window (binary task), the original's
training defaults, and the source (paper / repository). ``--no-params`` leaves the parameter
counts out (tests/unit/test_docs.py compares the rest with the registry).
"""

from __future__ import annotations

import sys

#: Reference window (bp) per family where the original used one; otherwise the minimum window.
REFERENCE_WINDOW = {"deepbind": 101, "deepsea": 1000, "danq": 1000, "basset": 600, "tfbs_cnn": 101,
                    "epivan": 3000, "speid": 3000}


def reference(spec) -> tuple[str, int]:
    kind = "sequences" if "sequences" in spec.kinds else spec.kinds[0]
    w = max(spec.min_window.get(kind, 0), REFERENCE_WINDOW.get(spec.family, 0))
    if spec.name.startswith(("onehot_", "embedding_")):
        w = max(w, 10001)  # DeepChromeHiC's windows
    return kind, w


def parameters(spec) -> str:
    if spec.framework != "keras" or spec.builder is not None:
        return "–"
    from dnazoo import models
    from dnazoo.tasks import Task

    kind, w = reference(spec)
    try:
        return f"{models.build(spec.name, (w,) * (2 if kind == 'pairs' else 1), kind, task=Task()).count_params():,}"
    except Exception as err:  # noqa: BLE001 (a row says why it has no count)
        return f"– ({type(err).__name__})"


def rows(with_params: bool = True) -> list[str]:
    from dnazoo import models

    out = ["| model | family | kinds | tasks | min. window (bp) | reference window (bp) | parameters | "
           "training defaults | source |", "| --- | --- | --- | --- | ---: | ---: | ---: | --- | --- |"]
    for name, spec in sorted(models.REGISTRY.items()):
        kind, w = reference(spec)
        defaults = ", ".join(f"{k} {v}" for k, v in spec.defaults.items()) or "–"
        params = parameters(spec) if with_params else ""
        out.append(f"| `{name}` | {spec.family or '–'} | {', '.join(spec.kinds)} | {', '.join(spec.tasks)} | "
                   f"{spec.min_window.get(kind, 0)} | {w if spec.framework == 'keras' else '–'} | {params} | "
                   f"{defaults} | {spec.source.replace('|', '/')} |")
    return out


HEADER = """# Model zoo

Every model of the registry (`dnazoo.models.REGISTRY`), written by `scripts/model_table.py`
(`.venv/bin/python scripts/model_table.py > docs/models.md`; `tests/unit/test_docs.py` checks the
table against the registry). Parameters: the Keras model built for the binary task at the
reference window (per input; pairs models have two). The DeepCpG CpG and Joint modules depend on
the number of cells, and the baselines are scikit-learn models: no count. Training defaults are
the original's settings; a config's `training:` and `model_overrides:` change them.

"""


def main() -> None:
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with_params = "--no-params" not in sys.argv
    sys.stdout.write(HEADER + "\n".join(rows(with_params)) + "\n")


if __name__ == "__main__":
    main()
