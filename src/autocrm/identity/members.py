"""Group memberships of nodes, the arrays the linking of both matching stages works on."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Members:
    """One row per (group, node), sorted by group then node; groups have two nodes or more."""

    group: np.ndarray
    node: np.ndarray
    rid: np.ndarray  # a record of the node that is in the group (the smallest)
    new: np.ndarray  # the group holds a new record of this node
    strength: np.ndarray

    def take(self, mask: np.ndarray) -> Members:
        return Members(self.group[mask], self.node[mask], self.rid[mask], self.new[mask],
                       self.strength[mask])
