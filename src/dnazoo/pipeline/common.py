"""What every stage shares: the job's log file, the name of a user's source, the Keras backend's threads."""

from __future__ import annotations

import logging
import os



log = logging.getLogger("dnazoo")


def setup_logging(log_path: str | os.PathLike | None, copies: dict[str, str] | None = None) -> None:
    """Send the ``dnazoo`` loggers, Python warnings, everything the job prints (stdout and stderr:
    Keras progress, TensorFlow's banners) and an uncaught exception (with its traceback) to the
    rule's log file, so the console keeps to Snakemake's progress and a failed job's log says why
    it failed (also on a cluster, where stderr goes to the scheduler's own log). A failure also
    prints one line, ``dnazoo: <error> (log: <file>)``, to the job's original stderr.

    ``copies`` maps a local copy under ``resources/`` to the URL or path in the user's config it
    was fetched from; an error naming a local copy also names that source."""
    import sys

    logging.basicConfig(filename=str(log_path) if log_path else None, level=logging.INFO, force=True,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.captureWarnings(True)
    console = sys.stderr
    if log_path:
        sys.stdout.flush()
        sys.stderr.flush()
        console = os.fdopen(os.dup(2), "w", buffering=1)
        target = open(log_path, "a", buffering=1)
        os.dup2(target.fileno(), 1)
        os.dup2(target.fileno(), 2)

    def log_uncaught(exc_type, exc, tb):
        import traceback

        message = str(exc) + name_sources(str(exc), copies or {})
        # dnazoo's own errors already say what went wrong: log their own traceback only, not the
        # chain of library exceptions below them (a failed download would be 8 tracebacks).
        own = exc_type.__module__.startswith("dnazoo")
        trace = "".join(traceback.format_exception(exc_type, exc, tb, chain=not own)).rstrip()
        log.error("job failed: %s: %s\n%s", exc_type.__name__, message, trace)
        console.write(f"dnazoo: {exc_type.__name__}: {message}" + (f" (log: {log_path})" if log_path else "") + "\n")
        console.flush()

    sys.excepthook = log_uncaught


def name_sources(message: str, copies: dict[str, str]) -> str:
    """`` [<copy> is the local copy of <source>]`` for every local copy named in ``message``."""
    named = [f"{copy} is the local copy of {src}" for copy, src in copies.items()
             if copy in message and src not in message]
    return f" [{'; '.join(named)}]" if named else ""


def source_location(source: dict) -> str:
    """The URL or path of a config source entry."""
    return source.get("url") or source["path"]


def configure_backend(threads: int, model: str | None = None) -> bool:
    """Limit the deep-learning backend to the rule's threads; TensorFlow allocates GPU memory on
    demand.

    Args:
        threads: the rule's threads (TensorFlow's intra-op pool; inter-op gets at most 2).
        model: a registry name; a scikit-learn baseline needs no backend, so for one nothing is
            imported or set (a baseline's job starts seconds sooner).

    Returns:
        True when the backend was configured (a Keras model, or no model named), False for a
        baseline.

    Raises:
        KeyError: ``model`` is not in the registry.
    """
    if model is not None:
        from dnazoo import models

        if models.get(model).framework != "keras":
            return False
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    if os.environ["KERAS_BACKEND"] == "tensorflow":
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(max(1, min(2, threads)))
        for gpu in tf.config.list_physical_devices("GPU"):
            tf.config.experimental.set_memory_growth(gpu, True)
        log.info("TensorFlow %s, GPUs visible: %d", tf.__version__, len(tf.config.list_physical_devices("GPU")))
    return True


def evaluation_settings(evaluation: dict | None) -> dict:
    """The config's ``evaluation`` block over its schema defaults (bootstrap 1,000, 95 %, seed 0)."""
    return {"bootstrap": 1000, "ci": 0.95, "seed": 0, **(evaluation or {})}
