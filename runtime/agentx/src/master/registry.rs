//! Who serves which OID: the master's registrations (RFC 2741 §7.1.5), sans-IO.
//!
//! Every registration claims one or more subtrees in a context; the agent's own MIB
//! claims its subtrees in the default context as [`Owner::Local`] at priority 127. An
//! OID belongs to the claim on its longest registered prefix, and among claims on the
//! same subtree to the one with the lowest priority value (§7.1.5.1). Two claims on
//! the same subtree, context and priority are a duplicate (263).
//!
//! A walk across the tree visits *regions*: from a cursor to the next registered
//! subtree or the end of the owner's subtree, whichever comes first, so that a
//! subagent is only ever asked for a range it owns.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;

use smic_smi::Oid;

use crate::wire::Range;

/// Who answers for a claimed subtree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Owner {
    /// The agent's own MIB.
    Local,
    /// A subagent session.
    Session(u32),
}

/// One claim on one subtree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Claim {
    pub(crate) priority: u8,
    pub(crate) owner: Owner,
    /// The registration's own timeout in seconds (0: the session's).
    pub(crate) timeout: u8,
    /// The registration it belongs to (`agentxRegIndex`).
    pub(crate) registration: u32,
}

/// A registration as the subagent made it, for Unregister and the AgentX-MIB.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registration {
    /// `agentxRegIndex`: unique for the master's lifetime.
    pub index: u32,
    /// Who made it.
    pub owner: Owner,
    /// The context (empty: the default).
    pub context: Vec<u8>,
    /// The subtree as registered (the range's lower bound in place).
    pub subtree: Oid,
    /// The range, if it is a range registration.
    pub range: Option<Range>,
    /// `r.priority`.
    pub priority: u8,
    /// `r.timeout` in seconds (0: the session's).
    pub timeout: u8,
    /// Registered with INSTANCE_REGISTRATION (one instance, not a subtree).
    pub instance: bool,
    /// Every subtree it claims.
    claimed: Vec<Oid>,
}

/// Why a registration was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegisterError {
    /// Another claim on the same subtree, context and priority (263).
    Duplicate,
    /// The range is malformed or would claim more subtrees than allowed, or the
    /// session or master holds as many registrations as they may (267).
    Denied,
}

/// Bounds on the registry, so that a subagent cannot grow it without end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegistryLimits {
    /// Subtrees one range registration may claim.
    pub max_range: u32,
    /// Subtrees one session may claim in all.
    pub per_session: usize,
    /// Subtrees every session together may claim.
    pub total: usize,
}

impl Default for RegistryLimits {
    fn default() -> Self {
        RegistryLimits {
            max_range: 256,
            per_session: 10_000,
            total: 100_000,
        }
    }
}

/// The master's registrations.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    /// Claims by context, then subtree; each subtree's claims by priority.
    claims: HashMap<Vec<u8>, BTreeMap<Oid, Vec<Claim>>>,
    registrations: BTreeMap<u32, Registration>,
    /// Subtrees claimed per owner, for the limits.
    claimed_by: HashMap<Owner, usize>,
    claimed_total: usize,
    next_index: u32,
    limits: RegistryLimits,
}

/// Where a walk goes next: the owner and the range it is asked about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Region {
    /// The claimed subtree the region lies in.
    pub(crate) subtree: Oid,
    /// Its claim.
    pub(crate) claim: Claim,
    /// Where the region starts (a cursor, or a subtree's first OID).
    pub(crate) start: Oid,
    /// Whether `start` itself belongs to the region.
    pub(crate) include: bool,
    /// The first OID after the region; `None`: the end of the OID space.
    pub(crate) end: Option<Oid>,
}

impl Registry {
    pub(crate) fn new(limits: RegistryLimits) -> Registry {
        Registry {
            limits,
            next_index: 1,
            ..Registry::default()
        }
    }

    /// Registers a claim (§7.1.5.1); the registration's index.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn register(
        &mut self,
        owner: Owner,
        context: &[u8],
        subtree: Oid,
        range: Option<Range>,
        priority: u8,
        timeout: u8,
    ) -> Result<u32, RegisterError> {
        let claimed = expand(&subtree, range, self.limits.max_range)?;
        let count = claimed.len();
        let by_owner = self.claimed_by.get(&owner).copied().unwrap_or(0);
        if owner != Owner::Local
            && (by_owner + count > self.limits.per_session
                || self.claimed_total + count > self.limits.total)
        {
            return Err(RegisterError::Denied);
        }
        let tree = self.claims.entry(context.to_vec()).or_default();
        if claimed.iter().any(|oid| {
            tree.get(oid)
                .is_some_and(|claims| claims.iter().any(|c| c.priority == priority))
        }) {
            return Err(RegisterError::Duplicate);
        }
        let index = self.next_index;
        self.next_index = self.next_index.wrapping_add(1).max(1);
        let claim = Claim {
            priority,
            owner,
            timeout,
            registration: index,
        };
        for oid in &claimed {
            let claims = tree.entry(oid.clone()).or_default();
            let at = claims.partition_point(|c| c.priority <= priority);
            claims.insert(at, claim);
        }
        *self.claimed_by.entry(owner).or_default() += count;
        self.claimed_total += count;
        self.registrations.insert(
            index,
            Registration {
                index,
                owner,
                context: context.to_vec(),
                subtree,
                range,
                priority,
                timeout,
                instance: false,
                claimed,
            },
        );
        Ok(index)
    }

    /// Records that a registration was made with INSTANCE_REGISTRATION.
    pub(crate) fn mark_instance(&mut self, index: u32) {
        if let Some(registration) = self.registrations.get_mut(&index) {
            registration.instance = true;
        }
    }

    /// Removes the registration `owner` made of exactly this subtree, range, context
    /// and priority (§7.1.6); whether there was one.
    pub(crate) fn unregister(
        &mut self,
        owner: Owner,
        context: &[u8],
        subtree: &Oid,
        range: Option<Range>,
        priority: u8,
    ) -> bool {
        let found = self.registrations.values().find(|r| {
            r.owner == owner
                && r.context == context
                && &r.subtree == subtree
                && r.range == range
                && r.priority == priority
        });
        match found.map(|r| r.index) {
            Some(index) => {
                self.remove(index);
                true
            }
            None => false,
        }
    }

    /// Removes every registration of `owner` (its session closed).
    pub(crate) fn remove_owner(&mut self, owner: Owner) {
        let indexes: Vec<u32> = self
            .registrations
            .values()
            .filter(|r| r.owner == owner)
            .map(|r| r.index)
            .collect();
        for index in indexes {
            self.remove(index);
        }
        self.claimed_by.remove(&owner);
    }

    fn remove(&mut self, index: u32) {
        let Some(registration) = self.registrations.remove(&index) else {
            return;
        };
        if let Some(tree) = self.claims.get_mut(&registration.context) {
            for oid in &registration.claimed {
                if let Some(claims) = tree.get_mut(oid) {
                    claims.retain(|c| c.registration != index);
                    if claims.is_empty() {
                        tree.remove(oid);
                    }
                }
            }
            if tree.is_empty() {
                self.claims.remove(&registration.context);
            }
        }
        let count = registration.claimed.len();
        if let Some(n) = self.claimed_by.get_mut(&registration.owner) {
            *n = n.saturating_sub(count);
        }
        self.claimed_total = self.claimed_total.saturating_sub(count);
    }

    /// Whether any subagent holds a claim.
    pub(crate) fn has_sessions(&self) -> bool {
        self.claimed_by
            .iter()
            .any(|(owner, n)| *owner != Owner::Local && *n > 0)
    }

    /// Every registration, in index order.
    pub(crate) fn registrations(&self) -> impl Iterator<Item = &Registration> {
        self.registrations.values()
    }

    /// The claim answering for `oid` in `context`: its subtree and claim.
    pub(crate) fn owner_of(&self, context: &[u8], oid: &Oid) -> Option<(&Oid, Claim)> {
        let tree = self.claims.get(context)?;
        longest_prefix(tree, oid)
    }

    /// The region a walk from `cursor` (exclusive unless `include`) visits first: in
    /// the subtree holding the cursor if one does, else in the next claimed subtree;
    /// `None` past the last.
    pub(crate) fn region(&self, context: &[u8], cursor: &Oid, include: bool) -> Option<Region> {
        let tree = self.claims.get(context)?;
        let next_key = |after: &Oid| {
            tree.range((Bound::Excluded(after), Bound::Unbounded))
                .next()
                .map(|(k, _)| k.clone())
        };
        if let Some((subtree, claim)) = longest_prefix(tree, cursor) {
            let end = min_end(subtree_end(subtree), next_key(cursor));
            return Some(Region {
                subtree: subtree.clone(),
                claim,
                start: cursor.clone(),
                include,
                end,
            });
        }
        // Outside every claim: the next claimed subtree, from its first OID (which
        // is after the cursor, so it is included).
        let (subtree, claims) = tree
            .range((Bound::Excluded(cursor), Bound::Unbounded))
            .next()?;
        let claim = *claims.first()?;
        Some(Region {
            subtree: subtree.clone(),
            claim,
            start: subtree.clone(),
            include: true,
            end: min_end(subtree_end(subtree), next_key(subtree)),
        })
    }
}

/// The claim on the longest prefix of `oid`. A prefix of `oid` that is a key lies at
/// or before `oid`, and every key between it and `oid` starts with it: so when the
/// greatest key not after `oid` is not a prefix, the prefixes left are prefixes of
/// what the two share.
fn longest_prefix<'t>(tree: &'t BTreeMap<Oid, Vec<Claim>>, oid: &Oid) -> Option<(&'t Oid, Claim)> {
    let mut bound = oid.clone();
    loop {
        let (key, claims) = tree.range(..=&bound).next_back()?;
        if oid.starts_with(key) {
            return Some((key, *claims.first()?));
        }
        let shared = key
            .arcs()
            .iter()
            .zip(oid.arcs())
            .take_while(|(a, b)| a == b)
            .count();
        if shared == 0 {
            return None;
        }
        bound = oid.prefix(shared);
    }
}

/// The first OID after every OID under `subtree`; `None` when nothing follows it.
pub(crate) fn subtree_end(subtree: &Oid) -> Option<Oid> {
    let mut arcs = subtree.arcs().to_vec();
    while let Some(last) = arcs.pop() {
        if let Some(next) = last.checked_add(1) {
            arcs.push(next);
            return Some(Oid::from_vec(arcs));
        }
    }
    None
}

fn min_end(a: Option<Oid>, b: Option<Oid>) -> Option<Oid> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

/// The subtrees a registration claims: one, or one per value of a range's arc.
fn expand(subtree: &Oid, range: Option<Range>, max: u32) -> Result<Vec<Oid>, RegisterError> {
    let Some(range) = range else {
        return Ok(vec![subtree.clone()]);
    };
    let at = usize::from(range.subid)
        .checked_sub(1)
        .ok_or(RegisterError::Denied)?;
    let lower = *subtree.arcs().get(at).ok_or(RegisterError::Denied)?;
    if range.upper_bound < lower || range.upper_bound - lower >= max {
        return Err(RegisterError::Denied);
    }
    Ok((lower..=range.upper_bound)
        .map(|value| {
            let mut arcs = subtree.arcs().to_vec();
            if let Some(arc) = arcs.get_mut(at) {
                *arc = value;
            }
            Oid::from_vec(arcs)
        })
        .collect())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn oid(text: &str) -> Oid {
        text.parse().unwrap()
    }

    fn registry() -> Registry {
        Registry::new(RegistryLimits::default())
    }

    #[test]
    fn longest_subtree_then_priority() {
        let mut r = registry();
        r.register(Owner::Session(1), b"", oid("1.3.6.1.4.1.9"), None, 127, 0)
            .unwrap();
        r.register(Owner::Session(2), b"", oid("1.3.6.1.4.1.9.5"), None, 127, 0)
            .unwrap();
        r.register(Owner::Session(3), b"", oid("1.3.6.1.4.1.9.5"), None, 100, 0)
            .unwrap();
        let owner = |o: &str| r.owner_of(b"", &oid(o)).map(|(_, c)| c.owner);
        assert_eq!(owner("1.3.6.1.4.1.9.4.1"), Some(Owner::Session(1)));
        assert_eq!(owner("1.3.6.1.4.1.9.5.1"), Some(Owner::Session(3)));
        assert_eq!(owner("1.3.6.1.4.1.9.6"), Some(Owner::Session(1)));
        assert_eq!(owner("1.3.6.1.4.1.10"), None);
        assert_eq!(owner("1.3.6.1.4.1.8.99"), None);
        // Another context sees none of them.
        assert!(r.owner_of(b"other", &oid("1.3.6.1.4.1.9.5")).is_none());
    }

    #[test]
    fn duplicates_are_refused_and_unregistering_frees_the_subtree() {
        let mut r = registry();
        r.register(Owner::Local, b"", oid("1.3.6.1.2.1.1"), None, 127, 0)
            .unwrap();
        assert_eq!(
            r.register(Owner::Session(1), b"", oid("1.3.6.1.2.1.1"), None, 127, 0),
            Err(RegisterError::Duplicate)
        );
        // Same subtree, other context or priority: allowed.
        r.register(
            Owner::Session(1),
            b"ctx",
            oid("1.3.6.1.2.1.1"),
            None,
            127,
            0,
        )
        .unwrap();
        r.register(Owner::Session(1), b"", oid("1.3.6.1.2.1.1"), None, 50, 0)
            .unwrap();
        assert!(r.unregister(Owner::Session(1), b"", &oid("1.3.6.1.2.1.1"), None, 50));
        assert!(!r.unregister(Owner::Session(1), b"", &oid("1.3.6.1.2.1.1"), None, 50));
        let owner = r.owner_of(b"", &oid("1.3.6.1.2.1.1.1.0")).unwrap().1.owner;
        assert_eq!(owner, Owner::Local);
        r.remove_owner(Owner::Session(1));
        assert!(r.owner_of(b"ctx", &oid("1.3.6.1.2.1.1.1.0")).is_none());
    }

    #[test]
    fn ranges_claim_one_subtree_per_value_within_bounds() {
        let mut r = registry();
        let range = Range {
            subid: 10,
            upper_bound: 3,
        };
        r.register(
            Owner::Session(1),
            b"",
            oid("1.3.6.1.2.1.2.2.1.1.7"),
            Some(range),
            127,
            0,
        )
        .unwrap();
        for column in 1..=3 {
            let instance = oid(&format!("1.3.6.1.2.1.2.2.1.{column}.7"));
            assert!(r.owner_of(b"", &instance).is_some(), "{instance}");
        }
        assert!(r.owner_of(b"", &oid("1.3.6.1.2.1.2.2.1.4.7")).is_none());
        assert!(r.owner_of(b"", &oid("1.3.6.1.2.1.2.2.1.2.8")).is_none());
        let huge = Range {
            subid: 11,
            upper_bound: u32::MAX,
        };
        let refused = r.register(Owner::Session(1), b"", oid("1.3.6.1.9.1"), Some(huge), 1, 0);
        assert_eq!(refused, Err(RegisterError::Denied));
        let no_arc = Range {
            subid: 40,
            upper_bound: 5,
        };
        let refused = r.register(
            Owner::Session(1),
            b"",
            oid("1.3.6.1.9.1"),
            Some(no_arc),
            1,
            0,
        );
        assert_eq!(refused, Err(RegisterError::Denied));
    }

    #[test]
    fn a_session_cannot_claim_without_end() {
        let mut r = Registry::new(RegistryLimits {
            max_range: 256,
            per_session: 3,
            total: 4,
        });
        for arc in 0..3 {
            r.register(
                Owner::Session(1),
                b"",
                oid("1.3.6.1.9").child(arc),
                None,
                1,
                0,
            )
            .unwrap();
        }
        let refused = r.register(Owner::Session(1), b"", oid("1.3.6.1.9.9"), None, 1, 0);
        assert_eq!(refused, Err(RegisterError::Denied));
        r.register(Owner::Session(2), b"", oid("1.3.6.1.8"), None, 1, 0)
            .unwrap();
        let refused = r.register(Owner::Session(2), b"", oid("1.3.6.1.7"), None, 1, 0);
        assert_eq!(refused, Err(RegisterError::Denied));
        r.remove_owner(Owner::Session(1));
        r.register(Owner::Session(2), b"", oid("1.3.6.1.7"), None, 1, 0)
            .unwrap();
    }

    #[test]
    fn regions_stop_at_nested_subtrees_and_resume_after_them() {
        let mut r = registry();
        r.register(Owner::Session(1), b"", oid("1.3.6.1.4.1.9"), None, 127, 0)
            .unwrap();
        r.register(Owner::Session(2), b"", oid("1.3.6.1.4.1.9.5"), None, 127, 0)
            .unwrap();
        // Before every claim: the first subtree, included.
        let first = r.region(b"", &oid("1.3"), false).unwrap();
        assert_eq!(first.claim.owner, Owner::Session(1));
        assert_eq!(
            (first.start.clone(), first.include),
            (oid("1.3.6.1.4.1.9"), true)
        );
        assert_eq!(first.end, Some(oid("1.3.6.1.4.1.9.5")));
        // Inside the nested one: up to its end.
        let nested = r.region(b"", &oid("1.3.6.1.4.1.9.5.2"), false).unwrap();
        assert_eq!(nested.claim.owner, Owner::Session(2));
        assert_eq!(nested.end, Some(oid("1.3.6.1.4.1.9.6")));
        // After it, the outer one again, to its own end.
        let after = r.region(b"", &oid("1.3.6.1.4.1.9.6"), true).unwrap();
        assert_eq!(after.claim.owner, Owner::Session(1));
        assert_eq!(after.end, Some(oid("1.3.6.1.4.1.10")));
        assert!(r.region(b"", &oid("1.3.6.1.4.1.10"), true).is_none());
    }

    #[test]
    fn subtree_ends_carry_over_the_largest_arc() {
        assert_eq!(subtree_end(&oid("1.3.6")), Some(oid("1.3.7")));
        let max = Oid::from_vec(vec![1, 3, u32::MAX]);
        assert_eq!(subtree_end(&max), Some(oid("1.4")));
        assert_eq!(subtree_end(&Oid::from_vec(vec![u32::MAX])), None);
    }
}
