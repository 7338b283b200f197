//! Graph analysis shared by both renderers: which links are usable, which close a cycle, which
//! steps are reachable, and each step's rank.

use super::Journey;

/// A link whose ends are both in range.
#[derive(Clone, Copy, Debug)]
pub(super) struct Edge {
    /// Index into `Journey::links`, for the label.
    pub link: usize,
    /// Step the link leaves.
    pub from: usize,
    /// Step the link enters.
    pub to: usize,
}

/// What both renderers need to know about the journey's shape.
pub(super) struct Analysis {
    /// The usable links, in input order.
    pub edges: Vec<Edge>,
    /// Parallel to `edges`: the depth-first search found the edge closing a cycle.
    pub back: Vec<bool>,
    /// Per step: some entry leads to it.
    pub reachable: Vec<bool>,
    /// Per step: longest path from an entry over non-back edges; unreachable steps share the
    /// rank after the deepest reachable one.
    pub rank: Vec<usize>,
    /// The deepest rank in use.
    pub last_rank: usize,
    /// Steps in depth-first discovery order, unreachable ones last: a natural initial
    /// left-to-right order that keeps a step's children together.
    pub discovery: Vec<usize>,
}

/// Depth-first search state of a step.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Visit {
    New,
    Open,
    Done,
}

/// Reads a slot of a per-step or per-edge table, defaulting for an out-of-range index so that
/// bad input can never panic.
pub(super) fn at<T: Copy + Default>(table: &[T], index: usize) -> T {
    table.get(index).copied().unwrap_or_default()
}

/// Writes a slot of a table, ignoring an out-of-range index.
pub(super) fn put<T>(table: &mut [T], index: usize, value: T) {
    if let Some(slot) = table.get_mut(index) {
        *slot = value;
    }
}

/// Analyses the journey; never panics, whatever the link indices.
pub(super) fn analyse(journey: &Journey) -> Analysis {
    let n = journey.steps.len();
    let edges: Vec<Edge> = (journey.links.iter().enumerate())
        .filter(|(_, l)| l.from < n && l.to < n)
        .map(|(link, l)| Edge {
            link,
            from: l.from,
            to: l.to,
        })
        .collect();
    let roots = roots(journey, &edges);
    let (back, mut discovery) = depth_first(&roots, &edges, n);
    let mut reachable = vec![false; n];
    for &step in &discovery {
        put(&mut reachable, step, true);
    }
    let mut rank = longest_paths(&edges, &back, &reachable);
    let deepest = (0..n)
        .filter(|&s| at(&reachable, s))
        .map(|s| at(&rank, s))
        .max()
        .unwrap_or(0);
    let mut last_rank = deepest;
    for step in (0..n).filter(|&s| !at(&reachable, s)) {
        last_rank = deepest + 1;
        put(&mut rank, step, last_rank);
        discovery.push(step);
    }
    Analysis {
        edges,
        back,
        reachable,
        rank,
        last_rank,
        discovery,
    }
}

/// The steps the journey starts from: the entry points; without any, the steps nothing leads
/// to; and if every step is in a cycle, the first step. This keeps a config without entries
/// readable instead of drawing everything as unreachable.
fn roots(journey: &Journey, edges: &[Edge]) -> Vec<usize> {
    let entries: Vec<usize> = (journey.steps.iter().enumerate())
        .filter(|(_, s)| s.entry.is_some())
        .map(|(i, _)| i)
        .collect();
    if !entries.is_empty() {
        return entries;
    }
    let n = journey.steps.len();
    let mut has_incoming = vec![false; n];
    for e in edges.iter().filter(|e| e.from != e.to) {
        put(&mut has_incoming, e.to, true);
    }
    let sources: Vec<usize> = (0..n).filter(|&s| !at(&has_incoming, s)).collect();
    if sources.is_empty() && n > 0 {
        vec![0]
    } else {
        sources
    }
}

/// Iterative depth-first search (deep journeys must not overflow the stack). Returns which
/// edges point back to a step still on the search path, and the discovery order.
fn depth_first(roots: &[usize], edges: &[Edge], n: usize) -> (Vec<bool>, Vec<usize>) {
    let mut outgoing: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (pos, e) in edges.iter().enumerate() {
        if let Some(list) = outgoing.get_mut(e.from) {
            list.push(pos);
        }
    }
    let mut visit = vec![Visit::New; n];
    let mut back = vec![false; edges.len()];
    let mut discovery = Vec::new();
    for &root in roots {
        if visit.get(root) != Some(&Visit::New) {
            continue;
        }
        put(&mut visit, root, Visit::Open);
        discovery.push(root);
        let mut stack = vec![(root, 0_usize)];
        while let Some((step, next)) = stack.last().copied() {
            let Some(&pos) = outgoing.get(step).and_then(|l| l.get(next)) else {
                put(&mut visit, step, Visit::Done);
                stack.pop();
                continue;
            };
            if let Some(top) = stack.last_mut() {
                top.1 += 1;
            }
            let to = edges.get(pos).map_or(step, |e| e.to);
            match visit.get(to) {
                Some(Visit::New) => {
                    put(&mut visit, to, Visit::Open);
                    discovery.push(to);
                    stack.push((to, 0));
                }
                Some(Visit::Open) => put(&mut back, pos, true),
                _ => {}
            }
        }
    }
    (back, discovery)
}

/// Longest-path ranks over the reachable, acyclic part of the graph (Kahn's algorithm).
fn longest_paths(edges: &[Edge], back: &[bool], reachable: &[bool]) -> Vec<usize> {
    let n = reachable.len();
    let dag: Vec<&Edge> = (edges.iter().zip(back))
        .filter(|&(e, &b)| !b && at(reachable, e.from))
        .map(|(e, _)| e)
        .collect();
    let mut indegree = vec![0_usize; n];
    let mut outgoing: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in &dag {
        let count = at(&indegree, e.to) + 1;
        put(&mut indegree, e.to, count);
        if let Some(list) = outgoing.get_mut(e.from) {
            list.push(e.to);
        }
    }
    let mut queue: Vec<usize> = (0..n)
        .filter(|&s| at(reachable, s) && at(&indegree, s) == 0)
        .collect();
    let mut rank = vec![0_usize; n];
    let mut head = 0;
    while let Some(&step) = queue.get(head) {
        head += 1;
        let next_rank = at(&rank, step) + 1;
        for &to in outgoing.get(step).map_or(&[][..], Vec::as_slice) {
            let deeper = at(&rank, to).max(next_rank);
            put(&mut rank, to, deeper);
            let remaining = at(&indegree, to).saturating_sub(1);
            put(&mut indegree, to, remaining);
            if remaining == 0 {
                queue.push(to);
            }
        }
    }
    rank
}
