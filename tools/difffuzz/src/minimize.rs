//! Shrinking a diverging case before it is written as a reproducer: greedy steps (the
//! default compute-unit limit, fewer metas, shorter and zeroed instruction data, fewer
//! accounts), each kept only while the case still diverges with the same signature. Every
//! attempt runs on fresh instances (`sides::forget_instances`), so a reproducer never
//! depends on what earlier cases left in a kept instance.

use crate::case::{Case, DEFAULT_COMPUTE_UNIT_LIMIT};
use crate::effects::Difference;

/// How many runs one minimization may take.
const ATTEMPTS: usize = 300;

/// The result of shrinking a case.
pub struct Minimized {
    /// The smallest case found that diverges with the same signature (the case itself when
    /// nothing smaller does).
    pub case: Case,
    /// Its difference, as fresh instances show it; `None` when even the original case did
    /// not diverge on fresh instances.
    pub difference: Option<Difference>,
    /// Runs taken.
    pub attempts: usize,
}

/// Shrinks `case`, whose difference has `signature`; `diverges` runs a case on both sides and
/// returns its first difference.
pub fn minimize(
    case: &Case,
    signature: &str,
    mut diverges: impl FnMut(&Case) -> Option<Difference>,
) -> Minimized {
    let mut attempts = 0;
    let mut same = |candidate: &Case, attempts: &mut usize| -> Option<Difference> {
        *attempts += 1;
        crate::sides::forget_instances();
        diverges(candidate).filter(|difference| difference.signature() == signature)
    };
    let Some(mut difference) = same(case, &mut attempts) else {
        return Minimized {
            case: case.clone(),
            difference: None,
            attempts,
        };
    };
    let mut best = case.clone();
    let mut progress = true;
    while progress && attempts < ATTEMPTS {
        progress = false;
        for candidate in smaller(&best) {
            if attempts >= ATTEMPTS {
                break;
            }
            if let Some(found) = same(&candidate, &mut attempts) {
                best = candidate;
                difference = found;
                progress = true;
                break;
            }
        }
    }
    Minimized {
        case: best,
        difference: Some(difference),
        attempts,
    }
}

/// One-step reductions of `case`, roughly largest first.
fn smaller(case: &Case) -> Vec<Case> {
    let mut candidates = Vec::new();
    let with = |change: &dyn Fn(&mut Case)| {
        let mut candidate = case.clone();
        change(&mut candidate);
        candidate
    };
    if case.compute_unit_limit != DEFAULT_COMPUTE_UNIT_LIMIT {
        candidates.push(with(&|c| c.compute_unit_limit = DEFAULT_COMPUTE_UNIT_LIMIT));
    }
    for index in (0..case.instruction.accounts.len()).rev() {
        candidates.push(with(&|c| {
            c.instruction.accounts.remove(index);
        }));
    }
    let data = &case.instruction.data;
    if !data.is_empty() {
        candidates.push(with(&|c| c.instruction.data.truncate(data.len() / 2)));
        candidates.push(with(&|c| c.instruction.data.truncate(data.len() - 1)));
        for start in (0..data.len()).step_by(8) {
            let end = (start + 8).min(data.len());
            if data[start..end].iter().any(|byte| *byte != 0) {
                candidates.push(with(&|c| c.instruction.data[start..end].fill(0)));
            }
        }
    }
    // Accounts no meta names any more.
    let named = |key: &sbfvm::Pubkey| {
        case.instruction
            .accounts
            .iter()
            .any(|meta| meta.pubkey == *key)
    };
    if case.accounts.iter().any(|(key, _)| !named(key)) {
        candidates.push(with(&|c| {
            let metas = c.instruction.accounts.clone();
            c.accounts
                .retain(|(key, _)| metas.iter().any(|meta| meta.pubkey == *key));
        }));
    }
    candidates
}

#[cfg(test)]
mod tests {
    use super::*;
    use solana_instruction::AccountMeta;

    fn case() -> Case {
        Case {
            origin: "test".into(),
            programs: vec![],
            accounts: vec![],
            instruction: sbfvm::Instruction {
                program_id: sbfvm::Pubkey::new_from_array([9; 32]),
                accounts: (1..=4)
                    .map(|n| AccountMeta::new(sbfvm::Pubkey::new_from_array([n; 32]), false))
                    .collect(),
                data: vec![7; 40],
            },
            compute_unit_limit: 5,
        }
    }

    /// A stand-in divergence: it shows while meta 3 is present and data byte 20 is 7.
    fn diverges(case: &Case) -> Option<Difference> {
        let key = sbfvm::Pubkey::new_from_array([3; 32]);
        let has_key = case
            .instruction
            .accounts
            .iter()
            .any(|meta| meta.pubkey == key);
        (has_key && case.instruction.data.get(20) == Some(&7)).then(|| Difference {
            field: "compute_units".into(),
            sbfvm: "1".into(),
            reference: "2".into(),
        })
    }

    #[test]
    fn shrinks_to_what_the_divergence_needs() {
        let minimized = minimize(&case(), "compute_units", diverges);
        let case = minimized.case;
        assert_eq!(case.compute_unit_limit, DEFAULT_COMPUTE_UNIT_LIMIT);
        assert_eq!(case.instruction.accounts.len(), 1);
        assert_eq!(case.instruction.data.len(), 21);
        assert_eq!(
            case.instruction
                .data
                .iter()
                .filter(|byte| **byte != 0)
                .count(),
            5
        );
        assert!(minimized.difference.is_some());
    }

    #[test]
    fn a_case_that_does_not_diverge_again_is_reported_as_such() {
        let minimized = minimize(&case(), "result: ok vs Custom", diverges);
        assert!(minimized.difference.is_none());
        assert_eq!(minimized.attempts, 1);
    }
}
