//! Ordering and horizontal placement of the layered graph: barycenter sweeps that keep the
//! order with the fewest crossings, then x coordinates pulled towards neighbours.

use super::graph::{at, put};
use super::layout::Layered;

/// Horizontal gap between two steps, and next to a dummy (edges may run closer).
const NODE_GAP: f64 = 36.0;
const DUMMY_GAP: f64 = 14.0;

impl Layered {
    /// Each vertex's index within its layer.
    fn positions(&self) -> Vec<usize> {
        let mut pos = vec![0; self.vertices.len()];
        for layer in &self.layers {
            for (i, &v) in layer.iter().enumerate() {
                put(&mut pos, v, i);
            }
        }
        pos
    }

    /// Barycenter ordering: alternate downward and upward sweeps, keep the best order seen.
    pub(super) fn order(&mut self) {
        let mut best = self.layers.clone();
        let mut fewest = self.crossings();
        for round in 0..6 {
            self.sweep(round % 2 == 0);
            let crossings = self.crossings();
            if crossings < fewest {
                fewest = crossings;
                best = self.layers.clone();
            }
        }
        self.layers = best;
    }

    /// Re-sorts each layer by the mean position of its neighbours in the previous layer of the
    /// sweep; a vertex without such neighbours keeps its current position as its key.
    fn sweep(&mut self, downward: bool) {
        let count = self.layers.len();
        let order: Vec<usize> = if downward {
            (1..count).collect()
        } else {
            (0..count.saturating_sub(1)).rev().collect()
        };
        for l in order {
            let pos = self.positions();
            let neighbours = if downward { &self.above } else { &self.below };
            let Some(layer) = self.layers.get_mut(l) else {
                continue;
            };
            let mut keyed: Vec<(f64, usize)> = (layer.iter().enumerate())
                .map(|(i, &v)| {
                    let ns = neighbours.get(v).map_or(&[][..], Vec::as_slice);
                    (
                        mean(ns.iter().map(|&n| at(&pos, n) as f64)).unwrap_or(i as f64),
                        v,
                    )
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
            *layer = keyed.into_iter().map(|(_, v)| v).collect();
        }
    }

    /// Number of edge crossings between consecutive layers.
    fn crossings(&self) -> usize {
        let pos = self.positions();
        let mut total = 0;
        for layer in &self.layers {
            let pairs: Vec<(usize, usize)> = (layer.iter())
                .flat_map(|&v| {
                    let below = self.below.get(v).map_or(&[][..], Vec::as_slice);
                    below.iter().map(move |&w| (v, w))
                })
                .map(|(v, w)| (at(&pos, v), at(&pos, w)))
                .collect();
            for (i, &(a1, b1)) in pairs.iter().enumerate() {
                total += (pairs.iter().skip(i + 1))
                    .filter(|&&(a2, b2)| (a1 < a2 && b1 > b2) || (a1 > a2 && b1 < b2))
                    .count();
            }
        }
        total
    }

    /// Minimum distance between the x of two neighbouring vertices in a layer.
    fn separation(&self, a: usize, b: usize) -> f64 {
        let (Some(va), Some(vb)) = (self.vertices.get(a), self.vertices.get(b)) else {
            return 0.0;
        };
        let gap = if va.is_step && vb.is_step {
            NODE_GAP
        } else {
            DUMMY_GAP
        };
        va.right + vb.left + gap
    }

    /// Packs every layer, then pulls vertices towards their neighbours' mean x, alternating
    /// downward and upward, so edges run as straight as the order allows.
    pub(super) fn place_x(&mut self) {
        self.x = vec![0.0; self.vertices.len()];
        for l in 0..self.layers.len() {
            let layer = self.layers.get(l).cloned().unwrap_or_default();
            let packed = vec![0.0; layer.len()];
            self.settle(&layer, &packed);
        }
        // Balanced averaging first spreads fan-outs evenly; the priority passes then
        // straighten long edges, which matter most for legibility.
        for round in 0..8 {
            let by_priority = round >= 4;
            for l in 1..self.layers.len() {
                self.align(l, true, by_priority);
            }
            for l in (0..self.layers.len().saturating_sub(1)).rev() {
                self.align(l, false, by_priority);
            }
        }
        self.gather_isolated();
        let min_left = (self.vertices.iter().zip(&self.x))
            .map(|(v, &x)| x - v.left)
            .fold(f64::INFINITY, f64::min);
        if min_left.is_finite() {
            self.x.iter_mut().for_each(|x| *x -= min_left);
        }
    }

    /// Moves one layer towards the mean x of its neighbours above (or below).
    fn align(&mut self, l: usize, use_above: bool, by_priority: bool) {
        let layer = self.layers.get(l).cloned().unwrap_or_default();
        let neighbours = if use_above { &self.above } else { &self.below };
        let desired: Vec<f64> = (layer.iter())
            .map(|&v| {
                let ns = neighbours.get(v).map_or(&[][..], Vec::as_slice);
                mean(ns.iter().map(|&n| at(&self.x, n))).unwrap_or(at(&self.x, v))
            })
            .collect();
        if !by_priority {
            self.settle(&layer, &desired);
            return;
        }
        // Inner segments of long edges first, then vertices by how many neighbours pull them;
        // ties from the middle of the layer outwards so fan-outs stay symmetric.
        let middle = layer.len().saturating_sub(1) as f64 / 2.0;
        let mut order: Vec<(usize, f64, usize)> = (layer.iter().enumerate())
            .map(|(i, &v)| {
                let ns = neighbours.get(v).map_or(&[][..], Vec::as_slice);
                let straight = !self.is_step(v) && ns.iter().any(|&n| !self.is_step(n));
                let priority = if straight { usize::MAX } else { ns.len() };
                (priority, (i as f64 - middle).abs(), i)
            })
            .collect();
        order.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2)));
        let order: Vec<usize> = order.into_iter().map(|(_, _, i)| i).collect();
        self.settle_in_order(&layer, &desired, &order);
    }

    /// Priority placement: each vertex in `order` moves to its desired x as far as the
    /// vertices already placed allow, pushing the not-yet-placed ones aside. The layer stays
    /// non-overlapping throughout because it starts that way and every move keeps separations.
    fn settle_in_order(&mut self, layer: &[usize], desired: &[f64], order: &[usize]) {
        let seps = self.separations(layer);
        let mut xs: Vec<f64> = layer.iter().map(|&v| at(&self.x, v)).collect();
        let mut fixed = vec![false; layer.len()];
        for &i in order {
            let mut target = at(desired, i);
            let mut offset = 0.0;
            for j in (0..i).rev() {
                offset += at(&seps, j);
                if at(&fixed, j) {
                    target = target.max(at(&xs, j) + offset);
                    break;
                }
            }
            offset = 0.0;
            for j in i + 1..layer.len() {
                offset += at(&seps, j - 1);
                if at(&fixed, j) {
                    target = target.min(at(&xs, j) - offset);
                    break;
                }
            }
            put(&mut xs, i, target);
            for j in (0..i).rev() {
                let limit = at(&xs, j + 1) - at(&seps, j);
                if at(&xs, j) <= limit {
                    break;
                }
                put(&mut xs, j, limit);
            }
            for j in i + 1..layer.len() {
                let limit = at(&xs, j - 1) + at(&seps, j - 1);
                if at(&xs, j) >= limit {
                    break;
                }
                put(&mut xs, j, limit);
            }
            put(&mut fixed, i, true);
        }
        for (&v, &x) in layer.iter().zip(&xs) {
            put(&mut self.x, v, x);
        }
    }

    /// Vertices without any edge (typically unreachable steps) have nothing pulling them and
    /// would stay where packing left them, far from the drawing. Pack them next to the nearest
    /// connected vertex of their layer, or around the drawing's middle if there is none.
    fn gather_isolated(&mut self) {
        let isolated = |v: usize| {
            self.above.get(v).is_none_or(Vec::is_empty)
                && self.below.get(v).is_none_or(Vec::is_empty)
        };
        let flags: Vec<bool> = (0..self.vertices.len()).map(isolated).collect();
        let middle = mean(
            (0..self.vertices.len())
                .filter(|&v| !at(&flags, v))
                .map(|v| at(&self.x, v)),
        );
        for l in 0..self.layers.len() {
            let layer = self.layers.get(l).cloned().unwrap_or_default();
            if !layer.iter().any(|&v| at(&flags, v)) {
                continue;
            }
            let anchors: Vec<usize> = (0..layer.len())
                .filter(|&i| !at(&flags, at(&layer, i)))
                .collect();
            let mut keyed: Vec<(usize, usize, f64)> = (0..layer.len())
                .map(|i| {
                    let nearest = anchors.iter().copied().min_by_key(|&a| a.abs_diff(i));
                    let desired =
                        nearest.map_or(middle.unwrap_or(0.0), |a| at(&self.x, at(&layer, a)));
                    (
                        nearest.map_or(i.abs_diff(layer.len() / 2), |a| a.abs_diff(i)),
                        i,
                        desired,
                    )
                })
                .collect();
            keyed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
            let mut desired = vec![0.0; layer.len()];
            for &(_, i, d) in &keyed {
                put(&mut desired, i, d);
            }
            let order: Vec<usize> = keyed.iter().map(|k| k.1).collect();
            self.settle_in_order(&layer, &desired, &order);
        }
    }

    /// Minimum centre distances between neighbours of a layer.
    fn separations(&self, layer: &[usize]) -> Vec<f64> {
        (layer.windows(2))
            .map(|pair| match *pair {
                [a, b] => self.separation(a, b),
                _ => 0.0,
            })
            .collect()
    }

    /// Places a layer as close to `desired` as the order and separations allow: the average of
    /// a left-to-right and a right-to-left push, which is itself non-overlapping.
    fn settle(&mut self, layer: &[usize], desired: &[f64]) {
        let seps = self.separations(layer);
        let mut forward: Vec<f64> = Vec::with_capacity(desired.len());
        for (i, &d) in desired.iter().enumerate() {
            let min = forward.last().map(|&p| p + at(&seps, i.saturating_sub(1)));
            forward.push(min.map_or(d, |m| d.max(m)));
        }
        let mut backward: Vec<f64> = Vec::with_capacity(desired.len());
        for (i, &d) in desired.iter().enumerate().rev() {
            let max = backward.last().map(|&n| n - at(&seps, i));
            backward.push(max.map_or(d, |m| d.min(m)));
        }
        backward.reverse();
        for ((&v, &f), &b) in layer.iter().zip(&forward).zip(&backward) {
            put(&mut self.x, v, (f + b) / 2.0);
        }
    }
}

/// The arithmetic mean, if there are any values.
fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, count) = values.fold((0.0, 0_usize), |(s, c), v| (s + v, c + 1));
    (count > 0).then(|| sum / count as f64)
}
