//! The search behind [`join_order`](super::join_order): which order of a
//! join tree's inputs costs least.
//!
//! Up to [`DP_LIMIT`] inputs, dynamic programming over the subsets of
//! inputs (Selinger's left-deep search): the cheapest plan of every subset
//! of `k` inputs is the cheapest of (cheapest plan of a `k-1` subset) ⋈
//! (one more input), for inputs that a join conjunct ties to the subset
//! — cross products only when no remaining input is tied to it. A
//! subset's output rows do not depend on its order (the product of its
//! inputs' rows and of the selectivities of the conjuncts within it), so
//! each subset keeps one best plan. Beyond the limit, the greedy walk of
//! [`greedy`] (smallest input first, then the input giving the fewest
//! rows) keeps planning time linear.
//!
//! Costs use [`estimate`](super::estimate)'s units for the join the later
//! rules will most likely choose: an equi-join hashes its new (right)
//! input and probes with the rows so far — each side's rows hashed at
//! `cpu_operator_cost`, each build row stored and each output row made at
//! `cpu_tuple_cost`; a cross product is a nested loop, every pair at
//! `cpu_tuple_cost`. Reading each input costs the same in every order, so
//! it is left out. Hashing the smaller side and keeping intermediate
//! results small both fall out of the formula.

use super::estimate::{CPU_OPERATOR_COST, CPU_TUPLE_COST};

/// Most inputs searched exhaustively (2^n subsets).
pub const DP_LIMIT: usize = 10;

/// A conjunct of the tree: the inputs it reads and the share of their
/// cross product it keeps.
pub struct Edge {
    pub inputs: Vec<usize>,
    pub selectivity: f64,
}

/// The order to join `rows.len()` inputs in (left-deep: the first two,
/// then each next one on the right), and the estimated rows after each
/// step (the first entry is the first input's rows).
pub fn best_order(rows: &[f64], edges: &[Edge]) -> (Vec<usize>, Vec<f64>) {
    if rows.len() > DP_LIMIT {
        greedy(rows, edges)
    } else {
        dynamic(rows, edges)
    }
}

fn mask_of(inputs: &[usize]) -> u32 {
    inputs.iter().fold(0, |m, &i| m | (1 << i))
}

/// Rows of the join of the inputs in `set`.
fn set_rows(set: u32, rows: &[f64], edges: &[(u32, f64)]) -> f64 {
    let mut r: f64 = (0..rows.len())
        .filter(|i| set & (1 << i) != 0)
        .map(|i| rows[i])
        .product();
    for &(m, s) in edges {
        if m & set == m {
            r *= s;
        }
    }
    r.max(1.0)
}

/// Whether a conjunct ties input `j` to some input of `set`.
fn tied(set: u32, j: usize, edges: &[(u32, f64)]) -> bool {
    let with = set | (1 << j);
    edges
        .iter()
        .any(|&(m, _)| m & (1 << j) != 0 && m & set != 0 && m & with == m)
}

/// The cost of joining `left_rows` (the rows so far) with an input of
/// `right_rows`, giving `out` rows.
fn step_cost(left_rows: f64, right_rows: f64, out: f64, tied: bool) -> f64 {
    if tied {
        CPU_OPERATOR_COST * (left_rows + right_rows) + CPU_TUPLE_COST * (right_rows + out)
    } else {
        CPU_TUPLE_COST * (left_rows * right_rows + out)
    }
}

struct Best {
    cost: f64,
    rows: f64,
    order: Vec<usize>,
}

fn dynamic(rows: &[f64], edges: &[Edge]) -> (Vec<usize>, Vec<f64>) {
    let n = rows.len();
    let edges: Vec<(u32, f64)> = edges
        .iter()
        .map(|e| (mask_of(&e.inputs), e.selectivity))
        .collect();
    let full = (1u32 << n) - 1;
    let mut best: Vec<Option<Best>> = (0..=full).map(|_| None).collect();
    for (i, &r) in rows.iter().enumerate() {
        best[1 << i] = Some(Best {
            cost: 0.0,
            rows: r.max(1.0),
            order: vec![i],
        });
    }
    // Subsets in increasing size: every subset's proper subsets come first
    // when visited in numeric order.
    for set in 1..=full {
        let Some(b) = best[set as usize].as_ref() else {
            continue;
        };
        let (cost, left_rows) = (b.cost, b.rows);
        let outside: Vec<usize> = (0..n).filter(|j| set & (1 << j) == 0).collect();
        let connected: Vec<usize> = outside
            .iter()
            .copied()
            .filter(|&j| tied(set, j, &edges))
            .collect();
        let candidates = if connected.is_empty() {
            outside
        } else {
            connected
        };
        for j in candidates {
            let next = set | (1 << j);
            let out = set_rows(next, rows, &edges);
            let c = cost + step_cost(left_rows, rows[j].max(1.0), out, tied(set, j, &edges));
            let better = match &best[next as usize] {
                None => true,
                Some(o) => c < o.cost,
            };
            if better {
                let mut order = best[set as usize]
                    .as_ref()
                    .map(|b| b.order.clone())
                    .unwrap_or_default();
                order.push(j);
                best[next as usize] = Some(Best {
                    cost: c,
                    rows: out,
                    order,
                });
            }
        }
    }
    let order = best[full as usize]
        .as_ref()
        .map(|b| b.order.clone())
        .unwrap_or_else(|| (0..n).collect());
    let estimates = prefix_rows(&order, rows, &edges);
    (order, estimates)
}

fn prefix_rows(order: &[usize], rows: &[f64], edges: &[(u32, f64)]) -> Vec<f64> {
    let mut set = 0;
    order
        .iter()
        .map(|&i| {
            set |= 1 << i;
            set_rows(set, rows, edges)
        })
        .collect()
}

/// Smallest input first, then repeatedly the tied input giving the fewest
/// rows (an untied one only when none is tied).
pub fn greedy(rows: &[f64], edges: &[Edge]) -> (Vec<usize>, Vec<f64>) {
    let n = rows.len();
    let mut joined = vec![false; n];
    let start = (0..n)
        .min_by(|&a, &b| rows[a].total_cmp(&rows[b]))
        .expect("at least one input");
    let mut order = vec![start];
    joined[start] = true;
    let mut current = rows[start].max(1.0);
    let mut estimates = vec![current];
    while order.len() < n {
        // (input, estimated rows after joining it, tied)
        let mut best: Option<(usize, f64, bool)> = None;
        for cand in (0..n).filter(|&c| !joined[c]) {
            let mut est = current * rows[cand];
            let mut connected = false;
            for e in edges {
                let applies =
                    e.inputs.contains(&cand) && e.inputs.iter().all(|&l| l == cand || joined[l]);
                if applies {
                    est *= e.selectivity;
                    connected |= e.inputs.len() > 1;
                }
            }
            let better = match best {
                None => true,
                Some((_, best_est, best_conn)) => {
                    (connected && !best_conn) || (connected == best_conn && est < best_est)
                }
            };
            if better {
                best = Some((cand, est, connected));
            }
        }
        let (next, est, _) = best.expect("an input remains");
        joined[next] = true;
        order.push(next);
        current = est.max(1.0);
        estimates.push(current);
    }
    (order, estimates)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(inputs: &[usize], selectivity: f64) -> Edge {
        Edge {
            inputs: inputs.to_vec(),
            selectivity,
        }
    }

    #[test]
    fn a_chain_starts_where_the_intermediate_results_stay_small() {
        // A chain a - b - c: a ⋈ b keeps few rows, b ⋈ c many.
        let rows = [1000.0, 1000.0, 1000.0];
        let few = [edge(&[0, 1], 0.0001), edge(&[1, 2], 0.01)];
        let (order, est) = best_order(&rows, &few);
        assert!(
            order[..2].contains(&0) && order[..2].contains(&1),
            "{order:?}"
        );
        assert_eq!(order[2], 2);
        assert_eq!(est[1], 100.0);
        // The other way round, b ⋈ c comes first.
        let many = [edge(&[0, 1], 0.01), edge(&[1, 2], 0.0001)];
        let (order, _) = best_order(&rows, &many);
        assert!(
            order[..2].contains(&1) && order[..2].contains(&2),
            "{order:?}"
        );
        assert_eq!(order[2], 0);
    }

    #[test]
    fn no_cross_product_while_a_tied_input_remains() {
        // A star around input 0; inputs 1 and 2 are tiny but not tied to
        // each other.
        let rows = [100_000.0, 1.0, 1.0];
        let edges = [edge(&[0, 1], 0.00001), edge(&[0, 2], 0.00001)];
        let (order, _) = best_order(&rows, &edges);
        assert_ne!((order[0], order[1]), (1, 2));
        assert_ne!((order[0], order[1]), (2, 1));
    }

    #[test]
    fn the_search_finds_what_greedy_misses() {
        // Greedy starts from the smallest input (3) and is then forced
        // through the expensive edge 3 - 0; the best plan joins 1 ⋈ 2 first.
        let rows = [10_000.0, 5_000.0, 5_000.0, 10.0];
        let edges = [
            edge(&[3, 0], 1.0),
            edge(&[0, 1], 0.0001),
            edge(&[1, 2], 0.00001),
        ];
        let (g, _) = greedy(&rows, &edges);
        let (d, _) = dynamic(
            &rows,
            &edges
                .iter()
                .map(|e| edge(&e.inputs, e.selectivity))
                .collect::<Vec<_>>(),
        );
        assert_eq!(g[0], 3);
        assert_ne!(d[0], 3, "{d:?}");
        let cost = |order: &[usize]| {
            let edges: Vec<(u32, f64)> = edges
                .iter()
                .map(|e| (mask_of(&e.inputs), e.selectivity))
                .collect();
            let mut set = 1 << order[0];
            let mut total = 0.0;
            for &j in &order[1..] {
                let left = set_rows(set, &rows, &edges);
                let t = tied(set, j, &edges);
                set |= 1 << j;
                total += step_cost(left, rows[j], set_rows(set, &rows, &edges), t);
            }
            total
        };
        assert!(cost(&d) < cost(&g), "{d:?} {g:?}");
    }

    #[test]
    fn many_inputs_fall_back_to_greedy() {
        let n = DP_LIMIT + 2;
        let rows: Vec<f64> = (0..n).map(|i| 100.0 + i as f64).collect();
        let edges: Vec<Edge> = (1..n).map(|i| edge(&[i - 1, i], 0.01)).collect();
        let (order, _) = best_order(&rows, &edges);
        assert_eq!(order, greedy(&rows, &edges).0);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..n).collect::<Vec<_>>());
    }
}
