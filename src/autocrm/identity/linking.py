"""Constraint-aware linking of nodes that share groups, shared by both matching stages.

A *node* is a set of records already known to belong together; its id is the smallest record
index in it. A *group* is a set of nodes that a rule says belong together: all records equal
on a deterministic key, or the two ends of an accepted Splink pair. Linking a level merges
the nodes of every group, except where that would put two different values of a `distinct`
column (or two existing customers, in incremental mode) into one cluster:

1. a group whose nodes carry different values is split into one sub-group per value; nodes
   without a value may join any compatible sub-group (`conflicts.split_conflicting`);
2. a node without a value that could join sub-groups with different values is ambiguous:
   it keeps only the best-supported value (incremental merges, Splink), or stays out of
   this level altogether (deterministic stage, real constraint columns);
3. components are computed over the sub-groups; a component that still mixes values (a
   chain through value-less nodes) is not linked at this level at all.

The common path is numpy over sorted arrays (4M memberships in about a second); the rare
conflicting groups and ambiguous nodes go through polars in `conflicts`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from autocrm.identity import conflicts
from autocrm.identity.components import connected_roots
from autocrm.identity.members import Members

EDGE_SCHEMA = {"group": pl.Int64, "left": pl.Int64, "right": pl.Int64, "strength": pl.Float64}
NONE = np.iinfo(np.int64).max  # "no value" when taking minimums


@dataclass
class LinkState:
    """Clustering so far: node of every record and the constraint values of every node."""

    node: np.ndarray  # per record index: id of its node
    values: np.ndarray  # (columns, records) int64 codes per node id; -1 where none
    ex_row: int | None  # row of `values` holding the existing cluster id (incremental mode)

    @property
    def size(self) -> int:
        return int(self.node.shape[0])


@dataclass
class LevelOutcome:
    """What one level linked: evidence edges between record indexes, and proposed merges."""

    edges: pl.DataFrame  # group, left, right, strength
    merges: pl.DataFrame  # ex_a, ex_b, strength


def members_of(
    key: np.ndarray, node: np.ndarray, rid: np.ndarray, new: np.ndarray, strength: np.ndarray
) -> Members:
    """Collapse (key, node) rows into sorted memberships and drop single-node groups.

    Groups are numbered by the rank of their key. Two single-column sorts (key, then dense
    group and node packed in one integer) beat one two-column sort by half.
    """
    if not key.size:
        empty = np.zeros(0, dtype=np.int64)
        return Members(empty, empty, empty, np.zeros(0, dtype=bool), np.zeros(0))
    order = pl.Series(key).arg_sort().to_numpy()
    sorted_key = key[order]
    group = np.cumsum(np.r_[True, sorted_key[1:] != sorted_key[:-1]]) - 1
    packed = group * (int(node.max(initial=0)) + 1) + node[order]
    again = pl.Series(packed).arg_sort().to_numpy()
    order, packed = order[again], packed[again]
    starts = np.flatnonzero(np.r_[True, packed[1:] != packed[:-1]])
    members = Members(
        group=group[again][starts],
        node=node[order][starts],
        rid=np.minimum.reduceat(rid[order], starts),
        new=np.logical_or.reduceat(new[order], starts),
        strength=np.maximum.reduceat(strength[order], starts),
    )
    _, sizes = segments(members.group)
    return members.take(np.repeat(sizes > 1, sizes))


def segments(sorted_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start offsets and lengths of the runs of equal values in a sorted array."""
    if not sorted_ids.size:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1]])
    return starts, np.diff(np.r_[starts, sorted_ids.size])


def empty_outcome() -> LevelOutcome:
    return LevelOutcome(pl.DataFrame(schema=EDGE_SCHEMA),
                        pl.DataFrame(schema=conflicts.MERGE_SCHEMA))


def link_groups(
    state: LinkState, members: Members, resolve_all: bool, extra: np.ndarray | None = None
) -> LevelOutcome:
    """Merge the nodes of every group into `state`; `extra` adds level-only constraint rows."""
    if not members.group.size:
        return empty_outcome()
    if extra is not None and extra.shape[0]:
        view = LinkState(state.node, np.vstack([state.values, extra]), state.ex_row)
        outcome = _link(view, members, resolve_all)
        state.node, state.values = view.node, view.values[: state.values.shape[0]]
        return outcome
    return _link(state, members, resolve_all)


def _link(state: LinkState, members: Members, resolve_all: bool) -> LevelOutcome:
    values = state.values[:, members.node]
    starts, sizes = segments(members.group)
    low = np.minimum.reduceat(np.where(values >= 0, values, NONE), starts, axis=1)
    high = np.maximum.reduceat(values, starts, axis=1)
    clash = low < high  # (columns, groups): two different values in the group
    merges = [conflicts.group_merges(state.ex_row, members, values, clash, starts, sizes)]
    subs = _subgroups(members, values, high, clash, sizes)
    subs, ambiguous_merges = _resolve(state, subs, resolve_all)
    merges.append(ambiguous_merges)
    counts = np.bincount(subs.sub, minlength=int(subs.sub.max(initial=-1)) + 1)
    subs = subs.take(counts[subs.sub] > 1)
    edges = _apply_components(state, subs) if subs.sub.size else empty_outcome().edges
    return LevelOutcome(edges, pl.concat(merges))


@dataclass
class Subs:
    """Memberships of nodes in sub-groups, with each sub-group's constraint values."""

    sub: np.ndarray
    group: np.ndarray
    node: np.ndarray
    rid: np.ndarray
    new: np.ndarray
    strength: np.ndarray
    values: np.ndarray  # (columns, rows)

    def take(self, mask: np.ndarray) -> Subs:
        return Subs(self.sub[mask], self.group[mask], self.node[mask], self.rid[mask],
                    self.new[mask], self.strength[mask], self.values[:, mask])

    @staticmethod
    def concat(parts: list[Subs]) -> Subs:
        return Subs(*[np.concatenate([getattr(p, f) for p in parts], axis=-1)
                      for f in ("sub", "group", "node", "rid", "new", "strength", "values")])


def _subgroups(
    members: Members, values: np.ndarray, high: np.ndarray, clash: np.ndarray, sizes: np.ndarray
) -> Subs:
    """Groups without clashes are their own sub-group; the others are split by value."""
    group_index = np.repeat(np.arange(sizes.size), sizes)
    clashing = np.repeat(clash.any(axis=0), sizes)
    plain = Subs(group_index, members.group, members.node, members.rid, members.new,
                 members.strength, high[:, group_index]).take(~clashing)
    if not clashing.any():
        return plain
    rows = np.flatnonzero(clashing)
    frame = conflicts.split_conflicting(
        members.take(rows), values[:, rows], high[:, group_index[rows]],
        clash[:, group_index[rows]],
    )
    split = Subs(
        sub=sizes.size + frame["sub"].rank("dense").cast(pl.Int64).to_numpy() - 1,
        group=frame["group"].to_numpy(),
        node=frame["node"].to_numpy(),
        rid=frame["rid"].to_numpy(),
        new=frame["new"].to_numpy(),
        strength=frame["strength"].to_numpy(),
        values=frame.select(conflicts.sub_value_names(values.shape[0])).to_numpy().T.copy(),
    )
    return Subs.concat([plain, split])


def _resolve(state: LinkState, subs: Subs, resolve_all: bool) -> tuple[Subs, pl.DataFrame]:
    """Keep every node in sub-groups of one set of values (see `conflicts.resolve`)."""
    none = pl.DataFrame(schema=conflicts.MERGE_SCHEMA)
    if not subs.values.shape[0]:
        return subs, none
    counts = np.bincount(subs.node)
    multi = np.flatnonzero(counts[subs.node] > 1)
    if not multi.size:
        return subs, none
    order = multi[np.argsort(subs.node[multi], kind="stable")]
    starts, _ = segments(subs.node[order])
    vals = subs.values[:, order]
    low = np.minimum.reduceat(np.where(vals >= 0, vals, NONE), starts, axis=1)
    high = np.maximum.reduceat(vals, starts, axis=1)
    ambiguous_nodes = subs.node[order][starts][(low < high).any(axis=0)]
    if not ambiguous_nodes.size:
        return subs, none
    involved = np.isin(subs.node, ambiguous_nodes)
    kept, merges = conflicts.resolve(state.ex_row, _frame(subs.take(involved)), resolve_all)
    rest = subs.take(~involved)
    return Subs.concat([rest, _from_frame(kept, subs.values.shape[0])]), merges


def _frame(subs: Subs) -> pl.DataFrame:
    columns = {"sub": subs.sub, "group": subs.group, "node": subs.node, "rid": subs.rid,
               "new": subs.new, "strength": subs.strength}
    names = conflicts.sub_value_names(subs.values.shape[0])
    return pl.DataFrame({**columns, **dict(zip(names, subs.values, strict=True))})


def _from_frame(frame: pl.DataFrame, width: int) -> Subs:
    names = conflicts.sub_value_names(width)
    sub, group, node, rid, new, strength = (
        frame[c].to_numpy() for c in ("sub", "group", "node", "rid", "new", "strength")
    )
    values = frame.select(names).to_numpy().T.copy().reshape(width, frame.height)
    return Subs(sub, group, node, rid, new, strength, values)


def _apply_components(state: LinkState, subs: Subs) -> pl.DataFrame:
    """Merge the nodes of every sub-group whose component stays conflict-free."""
    anchor = np.full(int(subs.sub.max()) + 1, NONE, dtype=np.int64)
    np.minimum.at(anchor, subs.sub, subs.node)
    is_anchor = subs.node == anchor[subs.sub]
    anchor_rid = np.zeros(anchor.size, dtype=np.int64)
    anchor_rid[subs.sub[is_anchor]] = subs.rid[is_anchor]
    roots = connected_roots(state.size, subs.node[~is_anchor], anchor[subs.sub[~is_anchor]])
    seen = np.zeros(state.size, dtype=bool)
    seen[subs.node] = True
    touched = np.flatnonzero(seen)
    reverted = _revert_conflicts(state, roots, touched)
    for c in range(state.values.shape[0]):
        np.maximum.at(state.values[c], roots[touched], state.values[c][touched])
    state.node = roots[state.node]
    keep = ~is_anchor & ~reverted[subs.node]
    return pl.DataFrame({
        "group": subs.group[keep], "left": anchor_rid[subs.sub[keep]],
        "right": subs.rid[keep], "strength": subs.strength[keep],
    }, schema=EDGE_SCHEMA)


def _revert_conflicts(state: LinkState, roots: np.ndarray, touched: np.ndarray) -> np.ndarray:
    """Undo, in place in `roots`, every component that would mix values; flag its nodes."""
    reverted = np.zeros(state.size, dtype=bool)
    if not state.values.shape[0]:
        return reverted
    root = roots[touched]
    bad = np.zeros(state.size, dtype=bool)
    for c in range(state.values.shape[0]):
        vals = state.values[c][touched]
        low = np.full(state.size, NONE, dtype=np.int64)
        high = np.full(state.size, -1, dtype=np.int64)
        np.minimum.at(low, root, np.where(vals >= 0, vals, NONE))
        np.maximum.at(high, root, vals)
        bad |= low < high
    nodes = touched[bad[root]]
    roots[nodes] = nodes
    reverted[nodes] = True
    return reverted
