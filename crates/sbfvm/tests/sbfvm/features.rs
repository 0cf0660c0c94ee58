//! Feature gates sbfvm does not implement (`UNIMPLEMENTED_GATES`): a feature set that leaves
//! one of them other than on mainnet is refused by name, by the facade and by scenarios;
//! every other change is accepted.

use std::path::{Path, PathBuf};

use sbfvm::runner;
use sbfvm::runtime::features::{self, ids, UNIMPLEMENTED_GATES};
use sbfvm::scenario::Scenario;
use sbfvm::{Config, Error, FeatureSet, Sbfvm};

fn new_with(features: FeatureSet) -> Result<Sbfvm, Error> {
    Sbfvm::new(Config {
        features,
        ..Config::default()
    })
}

#[track_caller]
fn assert_refused(result: Result<impl Sized, Error>, gate: &str) {
    match result {
        Err(error @ Error::UnimplementedFeature { name, reason }) => {
            assert_eq!(name, gate);
            assert!(!reason.is_empty());
            let message = error.to_string();
            assert!(message.contains(&format!("`{gate}`")), "{message}");
            assert!(message.contains(reason), "{message}");
        }
        Err(other) => panic!("{gate}: wrong error {other:?}"),
        Ok(_) => panic!("{gate}: accepted"),
    }
}

#[test]
fn the_facade_refuses_each_unimplemented_gate_toggled_by_name() {
    let mainnet = FeatureSet::mainnet();
    for gate in UNIMPLEMENTED_GATES {
        let id = features::lookup_by_name(gate.name).unwrap().id;
        let mut toggled = mainnet.clone();
        if mainnet.is_active(&id) {
            toggled.deactivate(&id);
        } else {
            toggled.activate(id);
        }
        assert_refused(new_with(toggled), gate.name);
    }
}

#[test]
fn older_keys_of_an_unimplemented_gate_are_refused_under_its_name() {
    let mut features = FeatureSet::mainnet();
    features.activate(ids::BPF_ACCOUNT_DATA_DIRECT_MAPPING);
    assert_refused(new_with(features), "account_data_direct_mapping");
}

#[test]
fn implemented_and_removed_gates_stay_selectable() {
    assert!(new_with(FeatureSet::mainnet()).is_ok());
    let mut features = FeatureSet::mainnet();
    // Read by sbfvm (syscall registration, CPI depth), and removed from Agave 4.4.
    features.activate(ids::ENABLE_BIG_MOD_EXP_SYSCALL);
    features.activate(ids::RAISE_CPI_NESTING_LIMIT_TO_8);
    features.deactivate(&ids::LIMIT_INSTRUCTION_ACCOUNTS);
    features.deactivate(&ids::INCREASE_CPI_ACCOUNT_INFO_LIMIT);
    assert!(new_with(features).is_ok());
}

fn scenario(text: &str) -> Scenario {
    Scenario {
        file: Scenario::parse(text, Path::new("gates.toml")).unwrap(),
        base_dir: PathBuf::new(),
        path: PathBuf::from("gates.toml"),
    }
}

#[test]
fn a_scenario_toggling_an_unimplemented_gate_is_refused() {
    let enabled =
        scenario("[settings]\nfeatures = { enable = [\"account_data_direct_mapping\"] }\n");
    assert_refused(
        runner::prepare(&enabled, None),
        "account_data_direct_mapping",
    );
    let disabled =
        scenario("[settings]\nfeatures = { disable = [\"delay_commission_updates\"] }\n");
    assert_refused(runner::prepare(&disabled, None), "delay_commission_updates");
    let by_id = scenario(&format!(
        "[settings]\nfeatures = {{ enable = [\"{}\"] }}\n",
        ids::RELAX_FEE_PAYER_CONSTRAINT
    ));
    assert_refused(runner::prepare(&by_id, None), "relax_fee_payer_constraint");
    let fine = scenario(
        "[settings]\nfeatures = { enable = [\"blake3_syscall_enabled\", \"virtual_address_space_adjustments\"] }\n",
    );
    assert!(runner::prepare(&fine, None).is_ok());
}
