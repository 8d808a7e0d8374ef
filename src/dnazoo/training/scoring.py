"""Score new DNA sequences with a trained dnazoo model (``results/<dataset>/models/<model>/model.keras``).

Every Keras model of the zoo takes ``(n, L)`` uint8 base codes per input (A, C, G, T, N = 0..4; the
one-hot or k-mer encoding happens inside the model), so scoring new sequences is encoding them and
streaming them through the model (:func:`dnazoo.training.predict`).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np

_DNA = re.compile(r"[ACGTN]*", re.IGNORECASE)


def _spec_near(model_path: Path) -> dict | None:
    """The ``spec.json`` of the dataset a model of the workflow layout was trained on, if present."""
    spec = model_path.parent.parent.parent / "encoded" / "spec.json"
    return json.loads(spec.read_text()) if spec.exists() else None


def score_sequences(model, sequences, *, spec: dict | None = None, distances=None, batch_size: int = 256,
                    average_strands: bool = False) -> np.ndarray:
    """Scores of a trained dnazoo Keras model on new sequences.

    Args:
        model: a ``model.keras`` path, or a model loaded by :func:`dnazoo.training.load_keras_model`.
        sequences: for a single-sequence model a list of DNA strings; for a pair model a list of
            ``(anchor1, anchor2)`` tuples; or ``{input name: list of strings}``. Each string has
            the model's window length in bp (its input shape) and only the letters A, C, G, T, N
            (any case).
        spec: the training dataset's ``spec.json`` (its task gives the score's meaning). Default:
            ``results/<dataset>/encoded/spec.json`` beside a model of the workflow layout; without
            one, a model with one or two outputs is read as binary.
        distances: ``(n,)`` bp between anchor midpoints, for a pair model trained ``with_distance``.
        average_strands: average the scores of each sequence and its reverse complement.

    Returns:
        The task's scores (:meth:`dnazoo.tasks.Task.scores`): binary ``(n,)`` float64 P(1);
        multilabel ``(n, k)`` P(1) per label; regression ``(n, k)``; profile ``(n, bins, tracks)``.

    Raises:
        ValueError: a sequence of the wrong length or with other letters (naming its index), a
            missing input (``distances`` of a distance model, or the CpG inputs of a DeepCpG CpG or
            Joint model, which take methylation states rather than sequences).

    Example::

        from dnazoo.training.scoring import score_sequences
        p = score_sequences("results/USF2/models/deepbind/model.keras", ["ACGT..." * 25])
    """
    from dnazoo.data.encoding import encode_codes
    from dnazoo.tasks import Task, from_spec
    from dnazoo.training import load_keras_model, predict

    if isinstance(model, (str, os.PathLike)):
        path = Path(model)
        spec = spec if spec is not None else _spec_near(path)
        model = load_keras_model(path)
    names = [i.name for i in model.inputs]
    seq_inputs = [i for i in model.inputs if i.dtype == "uint8"]
    if isinstance(sequences, dict):
        by_input = {k: list(v) for k, v in sequences.items()}
    elif len(seq_inputs) == 1:
        by_input = {seq_inputs[0].name: [s if isinstance(s, str) else s[0] for s in sequences]}
    else:
        rows = [tuple(s) for s in sequences]
        bad = next((i for i, r in enumerate(rows) if len(r) != len(seq_inputs)), None)
        if bad is not None:
            raise ValueError(f"sequences[{bad}]: this model takes {len(seq_inputs)} sequences per row "
                             f"({[i.name for i in seq_inputs]}), got {len(rows[bad])}")
        by_input = {inp.name: [r[j] for r in rows] for j, inp in enumerate(seq_inputs)}
    arrays = {}
    for inp in seq_inputs:
        if inp.name not in by_input:
            raise ValueError(f"no sequences for the model's input {inp.name!r} (inputs: {names})")
        length = int(inp.shape[1])
        codes = np.empty((len(by_input[inp.name]), length), dtype=np.uint8)
        for i, s in enumerate(by_input[inp.name]):
            if len(s) != length:
                raise ValueError(f"{inp.name}[{i}]: {len(s)} bp; the model takes {length}-bp windows")
            if not _DNA.fullmatch(s):
                raise ValueError(f"{inp.name}[{i}]: letters other than A, C, G, T, N: "
                                 f"{sorted(set(s.upper()) - set('ACGTN'))}")
            codes[i] = encode_codes(s)
        arrays[inp.name] = codes
    for name in names:
        if name in arrays:
            continue
        if name == "log10_distance":
            if distances is None:
                raise ValueError("this pair model was trained with anchor distances: give distances (bp)")
            arrays[name] = np.log10(np.asarray(distances, dtype=np.float64) + 1.0).astype(np.float32).reshape(-1, 1)
        else:
            raise ValueError(f"the model's input {name!r} is not a DNA sequence (a DeepCpG CpG or Joint model "
                             "takes neighbouring methylation states: score it on a methylation dataset)")
    if spec is not None:
        task = from_spec(spec)
    else:
        out = int(np.prod(model.outputs[0].shape[1:]))
        task = Task() if out <= 2 else Task("multilabel", tuple(f"output{j}" for j in range(out)))
    return predict(model, arrays, batch_size, task, average_strands)
