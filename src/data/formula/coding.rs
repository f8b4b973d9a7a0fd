//! Which columns the terms make, in which order, and how each categorical factor is coded in
//! each of them: patsy's algorithm (`patsy/build.py`, `patsy/redundancy.py`), which R's
//! `model.matrix` agrees with on every formula of main effects and nested interactions.
//!
//! Terms are grouped by the set of numeric factors they hold (the group without numeric factors
//! first, then in order of first appearance) and sorted by degree within a group. Each term
//! expands into subterms, one per subset of its categorical factors not spanned by the terms
//! before it in the group, each factor of a subset coded by treatment contrasts (its reference
//! level left out); a subterm that extends a shorter one by one factor absorbs it, that factor
//! then coded by all of its levels. So `C(g)` after an intercept has one column per level but
//! the reference, `C(g) - 1` one per level, and `x:C(g)` without `C(g)` one per level.

/// How a factor enters a subterm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Coding {
    /// A numeric factor: its values.
    Numeric,
    /// A categorical factor by treatment contrasts: an indicator per level but the reference
    /// (patsy's `[T.level]`).
    Reduced,
    /// A categorical factor by all of its levels (patsy's `[level]`).
    Full,
}

/// The columns of one subterm: the product of its factors' columns, in the term's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Subterm {
    /// The factors (indices) with their coding.
    pub(crate) factors: Vec<(usize, Coding)>,
}

/// A categorical subset with each factor's coding: full (`true`) or reduced.
type Expanded = Vec<(usize, bool)>;

fn same(a: &Expanded, b: &Expanded) -> bool {
    a.len() == b.len() && a.iter().all(|f| b.contains(f))
}

/// The subsets of `factors`, by size and then in lexicographic order of positions.
fn sorted_subsets(factors: &[usize]) -> Vec<Vec<usize>> {
    let n = factors.len();
    let mut subsets: Vec<Vec<usize>> = (0u64..1 << n)
        .map(|mask| (0..n).filter(|i| mask >> i & 1 == 1).collect())
        .collect();
    subsets.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    subsets
        .into_iter()
        .map(|s| s.into_iter().map(|i| factors[i]).collect())
        .collect()
}

/// Merges, left to right, a subterm into a longer one that has one factor more, that factor
/// then coded by all its levels; until none merges.
fn simplify(subterms: &mut Vec<Expanded>) {
    'again: loop {
        for short in 0..subterms.len() {
            for long in short + 1..subterms.len() {
                let (s, l) = (&subterms[short], &subterms[long]);
                if l.len() == s.len() + 1 && s.iter().all(|f| l.contains(f)) {
                    let extra = *l.iter().find(|f| !s.contains(f)).expect("one more factor");
                    let mut merged = s.clone();
                    merged.push((extra.0, true));
                    subterms[long] = merged;
                    subterms.remove(short);
                    continue 'again;
                }
            }
        }
        return;
    }
}

/// The subterms of `terms` (factor indices; the intercept is the empty term) in patsy's
/// order, `numeric(f)` telling numeric factors from categorical ones.
pub(crate) fn subterms(terms: &[Vec<usize>], numeric: &dyn Fn(usize) -> bool) -> Vec<Subterm> {
    // groups by the set of numeric factors, the group without any first
    let mut groups: Vec<(Vec<usize>, Vec<&Vec<usize>>)> = Vec::new();
    for term in terms {
        let mut key: Vec<usize> = term.iter().copied().filter(|&f| numeric(f)).collect();
        key.sort_unstable();
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(term),
            None => groups.push((key, vec![term])),
        }
    }
    if let Some(i) = groups.iter().position(|(k, _)| k.is_empty()) {
        let g = groups.remove(i);
        groups.insert(0, g);
    }
    let mut out = Vec::new();
    for (_, mut members) in groups {
        members.sort_by_key(|t| t.len());
        let mut used: Vec<Expanded> = Vec::new();
        for term in members {
            let categorical: Vec<usize> = term.iter().copied().filter(|&f| !numeric(f)).collect();
            let mut subs: Vec<Expanded> = Vec::new();
            for subset in sorted_subsets(&categorical) {
                let sub: Expanded = subset.into_iter().map(|f| (f, false)).collect();
                if !used.iter().any(|u| same(u, &sub)) {
                    subs.push(sub);
                }
            }
            used.extend(subs.iter().cloned());
            simplify(&mut subs);
            for sub in subs {
                let factors = term
                    .iter()
                    .filter_map(|&f| {
                        if numeric(f) {
                            Some((f, Coding::Numeric))
                        } else {
                            sub.iter().find(|(g, _)| *g == f).map(|&(_, full)| {
                                (f, if full { Coding::Full } else { Coding::Reduced })
                            })
                        }
                    })
                    .collect();
                out.push(Subterm { factors });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Subterms written as patsy's column groups: `a-` reduced, `a+` full, `x` numeric.
    fn written(terms: &[Vec<usize>], names: &[&str], numeric: &[usize]) -> Vec<String> {
        subterms(terms, &|f| numeric.contains(&f))
            .iter()
            .map(|s| {
                let parts: Vec<String> = s
                    .factors
                    .iter()
                    .map(|&(f, c)| match c {
                        Coding::Numeric => names[f].to_string(),
                        Coding::Reduced => format!("{}-", names[f]),
                        Coding::Full => format!("{}+", names[f]),
                    })
                    .collect();
                if parts.is_empty() {
                    "1".to_string()
                } else {
                    parts.join(":")
                }
            })
            .collect()
    }

    /// The codings patsy documents (patsy's "Coding categorical data" and its redundancy
    /// tests): `a:b` after an intercept is `1 + b- + a-:b+`; without an intercept `a` is full.
    #[test]
    fn codings_are_patsys() {
        let names = ["a", "b", "x"];
        // 1 + a:b
        assert_eq!(
            written(&[vec![], vec![0, 1]], &names, &[2]),
            ["1", "b-", "a-:b+"]
        );
        // 1 + a + b + a:b
        assert_eq!(
            written(&[vec![], vec![0], vec![1], vec![0, 1]], &names, &[2]),
            ["1", "a-", "b-", "a-:b-"]
        );
        // a - 1
        assert_eq!(written(&[vec![0]], &names, &[2]), ["a+"]);
        // 1 + x:a (no main effect of x): a full; 1 + x + x:a: a reduced
        assert_eq!(written(&[vec![], vec![2, 0]], &names, &[2]), ["1", "x:a+"]);
        assert_eq!(
            written(&[vec![], vec![2], vec![2, 0]], &names, &[2]),
            ["1", "x", "x:a-"]
        );
        // numeric groups after the group without numeric factors, by degree within a group;
        // b nested in a (patsy's `a + a:b`: a[a1]:b[T.b2], a[a2]:b[T.b2])
        assert_eq!(
            written(&[vec![], vec![2], vec![0, 1], vec![0]], &names, &[2]),
            ["1", "a-", "a+:b-", "x"]
        );
    }
}
