"""Names shared by the model parts, importable without Keras (the Snakefile reads the registry at
parse time)."""

#: Layer name of the first convolution inside every tower.
FIRST_CONV = "first_conv"
#: Name of the one-hot → outputs sub-model of every one-hot model.
ONEHOT_MODEL = "onehot_model"
#: Name of the optional distance input: ``(batch, 1)`` float32 log10(anchor distance in bp + 1).
DISTANCE_INPUT = "log10_distance"
#: Encoders: 4- or 5-channel one-hot, or 6-mer tokens into an Embedding.
ENCODERS = ("onehot4", "onehot5", "kmer6")
#: Late fusions of pooled tower features with a shared tower (DeepChrInteract-v2); ``siamese`` is
#: the shared tower with ``concat``.
LATE_FUSION_NAMES = ("siamese", "concat", "add", "abs_diff", "mul", "bilinear", "concat_diff_mul")
#: Every fusion name: the early ones (``length_concat``: anchors joined along the sequence axis,
#: one tower, DeepChromeHiC one-branch; ``separate_towers``: one tower per anchor, features
#: concatenated, DeepChromeHiC two-branch; ``separate_length_concat``: one tower per anchor, their
#: feature maps joined along the length axis for a shared recurrent neck, EPIVAN and SPEID) and
#: the late ones.
FUSIONS = ("length_concat", "separate_towers", "separate_length_concat", *LATE_FUSION_NAMES)
#: DeepCpG's Cnn* DNA modules (cangermueller/deepcpg): name -> ([(filters, kernel, pool), ...], dense units);
#: valid convolutions, MaxPool(pool, pool). Read by the registry (minimum windows) and the towers.
DEEPCPG_CNN_DNA = {
    "CnnL1h128": ([(128, 11, 4)], 128),
    "CnnL1h256": ([(128, 11, 4)], 256),
    "CnnL2h128": ([(128, 11, 4), (256, 3, 2)], 128),
    "CnnL2h256": ([(128, 11, 4), (256, 3, 2)], 256),
    "CnnL3h128": ([(128, 11, 4), (256, 3, 2), (512, 3, 2)], 128),
    "CnnL3h256": ([(128, 11, 4), (256, 3, 2), (512, 3, 2)], 256),  # the docs' fc[128] is a typo (cangermueller/deepcpg)
}
#: DeepCpG's other DNA modules.
DEEPCPG_OTHER_DNA = ("CnnRnn01", "ResNet01", "ResNet02", "ResConv01", "ResAtrous01")
#: DeepCpG's CpG modules (cangermueller/deepcpg ``models/cpg.py``), registry names ``deepcpg_cpg_<name>``.
DEEPCPG_CPG = ("FcAvg", "RnnL1", "RnnL2")
#: DeepCpG's Joint modules (``models/joint.py``), registry names ``deepcpg_joint_<name>``.
DEEPCPG_JOINT = ("JointL0", "JointL1h512", "JointL2h512", "JointL3h512")
