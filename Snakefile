# dnazoo: benchmark deep-learning architectures for regulatory genomics.
# Default: the simulated demo (config/config.yaml). Other configs: --configfile config/<name>.yaml
from snakemake.utils import min_version

min_version("9.0")


# The demo config (next to this Snakefile) is the default; --configfile replaces it rather than
# merging into it.
if not config:

    configfile: f"{workflow.basedir}/config/config.yaml"



report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/simulate.smk"
include: "workflow/rules/download.smk"
include: "workflow/rules/tables.smk"
include: "workflow/rules/windows.smk"
include: "workflow/rules/split.smk"
include: "workflow/rules/encode.smk"
include: "workflow/rules/embeddings.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/evaluate.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/transfer.smk"
include: "workflow/rules/interpret.smk"
include: "workflow/rules/methylation.smk"
include: "workflow/rules/variants.smk"


rule all:
    input:
        all_targets(),
    default_target: True
