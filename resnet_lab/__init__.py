"""The course's own support: what ResNet Lab's notebooks, scripts and tests need, and a library user would not.

`resnet_widgets` is the library (what `pip install resnet-widgets` is for: the models, the widgets, the
experiments). This package holds what only makes sense inside the course, and it sits above the library: it
imports `resnet_widgets`, and nothing in `resnet_widgets` imports it (tests/test_layering.py checks both).

    mode          course_mode(): "fast" (the whole course on two CPU cores, as CI runs it) or "full" (a GPU lab)
    environment   00's environment report, and environment_variables() for a block of code
    lab_inputs    what lab 07 Part B and lab 08 train on here: ImageNet if it is reachable, else an offline transfer
    pretraining   the recipe that made the course ResNet's committed weights (scripts/pretrain_course_resnet.py)
    photos        four public-domain or CC0 photos committed in datasets/sample_photos, for lab 09

Each module is imported by name (`from resnet_lab.mode import course_mode`); importing the package loads none.
"""
