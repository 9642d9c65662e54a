//! Index allocation (RFC 2741 §7.1.4.4–5): subagents sharing a table (ifTable rows
//! from several daemons) ask the master for index values no one else holds.

use std::collections::{BTreeMap, HashMap};

use smic_smi::{Oid, Value};

use crate::wire::{Flags, ResponseError};

/// Allocated index values, per context and index object.
#[derive(Debug, Default)]
pub(crate) struct Indexes {
    /// Who holds each value now.
    held: HashMap<(Vec<u8>, Oid), BTreeMap<Key, u32>>,
    /// The greatest integer ever allocated, for NEW_INDEX (one number, not a set of
    /// every value, so allocating and releasing in a loop grows nothing).
    high: HashMap<(Vec<u8>, Oid), i64>,
    per_session: HashMap<u32, usize>,
}

/// An index value as a key: the type matters (an Integer 5 is not a string "5").
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Key {
    Integer(i64),
    Octets(Vec<u8>),
    Oid(Oid),
    IpAddress([u8; 4]),
}

impl Key {
    fn of(value: &Value) -> Option<Key> {
        Some(match value {
            Value::Integer(i) => Key::Integer(i64::from(*i)),
            Value::OctetString(s) => Key::Octets(s.clone()),
            Value::ObjectIdentifier(o) => Key::Oid(o.clone()),
            Value::IpAddress(a) => Key::IpAddress(*a),
            _ => return None,
        })
    }

    fn same_type(&self, other: &Key) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }

    fn value(&self) -> Value {
        match self {
            Key::Integer(i) => Value::Integer(i32::try_from(*i).unwrap_or(i32::MAX)),
            Key::Octets(s) => Value::OctetString(s.clone()),
            Key::Oid(o) => Value::ObjectIdentifier(o.clone()),
            Key::IpAddress(a) => Value::IpAddress(*a),
        }
    }
}

impl Indexes {
    /// Allocates every binding's value for `session`, or none of them: the values
    /// allocated, or the error and the 1-based binding it is about.
    pub(crate) fn allocate(
        &mut self,
        session: u32,
        context: &[u8],
        flags: Flags,
        request: &[(Oid, Value)],
        limit: usize,
    ) -> Result<Vec<(Oid, Value)>, (ResponseError, u16)> {
        let held_now = self.per_session.get(&session).copied().unwrap_or(0);
        if held_now + request.len() > limit {
            return Err((ResponseError::INDEX_NONE_AVAILABLE, 1));
        }
        let any = flags.contains(Flags::ANY_INDEX);
        let new = flags.contains(Flags::NEW_INDEX);
        let mut chosen: Vec<(Oid, Key)> = Vec::with_capacity(request.len());
        for (i, (oid, value)) in request.iter().enumerate() {
            let at = u16::try_from(i + 1).unwrap_or(u16::MAX);
            let wanted = Key::of(value).ok_or((ResponseError::INDEX_WRONG_TYPE, at))?;
            let slot = (context.to_vec(), oid.clone());
            let held = self.held.get(&slot);
            if held
                .and_then(|h| h.keys().next())
                .is_some_and(|existing| !existing.same_type(&wanted))
            {
                return Err((ResponseError::INDEX_WRONG_TYPE, at));
            }
            let taken = |key: &Key| {
                held.is_some_and(|h| h.contains_key(key))
                    || chosen.iter().any(|(o, k)| o == oid && k == key)
            };
            let key = if any || new {
                // Only integers can be made up: NEW_INDEX above every one handed out,
                // ANY_INDEX the first free one from 1.
                let Key::Integer(_) = wanted else {
                    return Err((ResponseError::INDEX_NONE_AVAILABLE, at));
                };
                let chosen_high = chosen
                    .iter()
                    .filter(|(o, _)| o == oid)
                    .filter_map(|(_, k)| match k {
                        Key::Integer(i) => Some(*i),
                        _ => None,
                    })
                    .max()
                    .unwrap_or(0);
                let from = if new {
                    self.high.get(&slot).copied().unwrap_or(0).max(chosen_high) + 1
                } else {
                    1
                };
                (from..=i64::from(i32::MAX))
                    .map(Key::Integer)
                    .find(|k| !taken(k))
                    .ok_or((ResponseError::INDEX_NONE_AVAILABLE, at))?
            } else if taken(&wanted) {
                return Err((ResponseError::INDEX_ALREADY_ALLOCATED, at));
            } else {
                wanted
            };
            chosen.push((oid.clone(), key));
        }
        let mut out = Vec::with_capacity(chosen.len());
        for (oid, key) in chosen {
            let slot = (context.to_vec(), oid.clone());
            if let Key::Integer(i) = key {
                let high = self.high.entry(slot.clone()).or_default();
                *high = (*high).max(i);
            }
            self.held
                .entry(slot)
                .or_default()
                .insert(key.clone(), session);
            out.push((oid, key.value()));
        }
        *self.per_session.entry(session).or_default() += out.len();
        Ok(out)
    }

    /// Releases every binding's value, held by `session`, or none.
    pub(crate) fn deallocate(
        &mut self,
        session: u32,
        context: &[u8],
        request: &[(Oid, Value)],
    ) -> Result<(), (ResponseError, u16)> {
        for (i, (oid, value)) in request.iter().enumerate() {
            let at = u16::try_from(i + 1).unwrap_or(u16::MAX);
            let key = Key::of(value).ok_or((ResponseError::INDEX_WRONG_TYPE, at))?;
            let slot = (context.to_vec(), oid.clone());
            let holder = self.held.get(&slot).and_then(|h| h.get(&key));
            if holder != Some(&session) {
                return Err((ResponseError::INDEX_NOT_ALLOCATED, at));
            }
        }
        for (oid, value) in request {
            if let Some(key) = Key::of(value) {
                let slot = (context.to_vec(), oid.clone());
                if let Some(held) = self.held.get_mut(&slot) {
                    held.remove(&key);
                    if held.is_empty() {
                        self.held.remove(&slot);
                    }
                }
            }
        }
        if let Some(n) = self.per_session.get_mut(&session) {
            *n = n.saturating_sub(request.len());
        }
        Ok(())
    }

    /// Releases what a closed session held (NEW_INDEX still never reuses them).
    pub(crate) fn release_session(&mut self, session: u32) {
        for held in self.held.values_mut() {
            held.retain(|_, holder| *holder != session);
        }
        self.held.retain(|_, held| !held.is_empty());
        self.per_session.remove(&session);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn if_index() -> Oid {
        "1.3.6.1.2.1.2.2.1.1".parse().unwrap()
    }

    #[test]
    fn explicit_any_and_new_indexes() {
        let mut ix = Indexes::default();
        let five = [(if_index(), Value::Integer(5))];
        assert_eq!(
            ix.allocate(1, b"", Flags::NONE, &five, 10),
            Ok(five.to_vec())
        );
        assert_eq!(
            ix.allocate(2, b"", Flags::NONE, &five, 10),
            Err((ResponseError::INDEX_ALREADY_ALLOCATED, 1))
        );
        let wrong = [(if_index(), Value::OctetString(b"x".to_vec()))];
        assert_eq!(
            ix.allocate(2, b"", Flags::NONE, &wrong, 10),
            Err((ResponseError::INDEX_WRONG_TYPE, 1))
        );
        let any = [(if_index(), Value::Integer(0))];
        assert_eq!(
            ix.allocate(2, b"", Flags::ANY_INDEX, &any, 10),
            Ok(vec![(if_index(), Value::Integer(1))])
        );
        assert_eq!(
            ix.deallocate(2, b"", &five),
            Err((ResponseError::INDEX_NOT_ALLOCATED, 1))
        );
        ix.deallocate(1, b"", &five).unwrap();
        // Free again for an explicit request, but NEW_INDEX never hands out 1 or 5.
        let got = ix.allocate(2, b"", Flags::NEW_INDEX, &any, 10).unwrap();
        assert_eq!(got, vec![(if_index(), Value::Integer(6))]);
        ix.release_session(2);
        assert_eq!(
            ix.allocate(3, b"", Flags::NONE, &five, 10),
            Ok(five.to_vec())
        );
    }

    #[test]
    fn all_or_nothing_and_bounded() {
        let mut ix = Indexes::default();
        let both = [
            (if_index(), Value::Integer(7)),
            (if_index(), Value::Integer(7)),
        ];
        assert_eq!(
            ix.allocate(1, b"", Flags::NONE, &both, 10),
            Err((ResponseError::INDEX_ALREADY_ALLOCATED, 2))
        );
        let seven = [(if_index(), Value::Integer(7))];
        assert!(ix.allocate(1, b"", Flags::NONE, &seven, 10).is_ok());
        let many: Vec<_> = (0..3).map(|_| (if_index(), Value::Integer(0))).collect();
        assert_eq!(
            ix.allocate(1, b"", Flags::ANY_INDEX, &many, 3),
            Err((ResponseError::INDEX_NONE_AVAILABLE, 1))
        );
    }
}
