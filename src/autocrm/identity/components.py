"""Connected components over integer node ids, vectorised with numpy."""

from __future__ import annotations

import numpy as np


def connected_roots(size: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Return, for every node 0..size-1, the smallest node id of its component.

    Hook-and-jump (Shiloach-Vishkin style): each round hooks the larger root of every
    edge under the smaller one, then jumps pointers until every node points at a root.
    Rounds grow with log(component diameter), so millions of edges take well under a second.
    """
    parent = np.arange(size, dtype=np.int64)
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    while True:
        root_l, root_r = parent[left], parent[right]
        differ = root_l != root_r
        if not differ.any():
            return parent
        low = np.minimum(root_l[differ], root_r[differ])
        high = np.maximum(root_l[differ], root_r[differ])
        np.minimum.at(parent, high, low)
        parent = _jump(parent)
        keep = parent[left] != parent[right]
        left, right = left[keep], right[keep]


def _jump(parent: np.ndarray) -> np.ndarray:
    """Follow parent pointers until every node points at a root."""
    while True:
        grand = parent[parent]
        if np.array_equal(grand, parent):
            return parent
        parent = grand
