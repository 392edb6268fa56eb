"""Splits and limits are stratified, seeded and deterministic; class filters re-index labels."""

import numpy as np

from resnet_widgets.data.selection import filter_classes, stratified_split, stratified_take

LABELS = np.repeat(np.arange(3), [50, 30, 20])


def test_take_keeps_class_proportions_and_original_order():
    positions = stratified_take(LABELS, 10, seed=0)
    assert np.bincount(LABELS[positions]).tolist() == [5, 3, 2]
    assert np.all(np.diff(positions) > 0)
    np.testing.assert_array_equal(positions, stratified_take(LABELS, 10, seed=0))
    assert not np.array_equal(positions, stratified_take(LABELS, 10, seed=1))


def test_take_rounds_by_largest_remainder_and_never_exceeds_the_limit():
    labels = np.repeat(np.arange(3), [1, 1, 1])
    assert len(stratified_take(labels, 2)) == 2
    assert len(stratified_take(LABELS, 1000)) == 100


def test_split_is_per_class_and_keeps_one_training_example():
    train, val = stratified_split(LABELS, 0.2, seed=0)
    assert np.bincount(LABELS[val]).tolist() == [10, 6, 4]
    assert sorted(np.concatenate([train, val]).tolist()) == list(range(100))
    tiny = np.array([0, 1, 1])
    train, val = stratified_split(tiny, 0.9, seed=0)
    assert sorted(tiny[train].tolist()) == [0, 1]


def test_filter_classes_reindexes_in_the_order_given():
    positions, labels = filter_classes(np.array([0, 1, 2, 1, 0]), [2, 0])
    assert positions.tolist() == [0, 2, 4] and labels.tolist() == [1, 0, 1]
