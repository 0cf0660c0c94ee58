//! Timing a benchmark (warm-up, batch sizing, the median of the samples) and the Markdown
//! and JSON forms of the measurements.

use std::time::Duration;

use serde::Serialize;

use crate::workloads::{Benchmark, CpiBreakdown, Group, TransactionBreakdown};

/// How long `sbfvm bench` times each scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimingOptions {
    /// Warm-up time, which also calibrates the batch size.
    pub warm_up: Duration,
    /// Target time of one sample (batch).
    pub sample_time: Duration,
    /// Samples taken; the median is reported.
    pub samples: usize,
}

impl Default for TimingOptions {
    fn default() -> Self {
        Self {
            warm_up: Duration::from_millis(200),
            sample_time: Duration::from_millis(40),
            samples: 11,
        }
    }
}

/// The result of timing one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    /// The scenario's name, `group/scenario`.
    pub scenario: String,
    /// What one operation is ([`Benchmark::unit`]).
    pub unit: &'static str,
    /// Median over the samples, net of the baseline, in ns; NaN if the setup failed.
    pub ns_per_op: f64,
    /// Fastest sample, ns per operation net of the baseline; NaN if the setup failed.
    pub min_ns_per_op: f64,
    /// Slowest sample, ns per operation net of the baseline; NaN if the setup failed.
    pub max_ns_per_op: f64,
    /// Operations per sample (the batch size calibrated during warm-up); 0 if the setup
    /// failed.
    pub ops_per_sample: u64,
    /// Samples taken; 0 if the setup failed.
    pub samples: usize,
    /// Compute units per operation, net of the baseline
    /// ([`Checked::cu_per_op`](crate::Checked::cu_per_op)); `None` where operations are not
    /// metered or the check failed.
    pub cu_per_op: Option<f64>,
    /// Compute units the syscall charged per call (syscall group,
    /// [`Checked::cu_price`](crate::Checked::cu_price)); `None` for other scenarios or when
    /// the check failed.
    pub cu_price: Option<u64>,
    /// Why the scenario could not be set up or failed its check after timing.
    pub error: Option<String>,
    /// Per-CPI phase times (CPI scenarios), from separate profiled runs.
    pub cpi_breakdown: Option<CpiBreakdown>,
    /// Per-transaction stage times (signed-transaction scenarios), from separate profiled
    /// runs.
    pub transaction_breakdown: Option<TransactionBreakdown>,
}

impl Measurement {
    /// Nanoseconds per compute unit; `None` without a positive `cu_per_op`.
    pub fn ns_per_cu(&self) -> Option<f64> {
        self.cu_per_op
            .filter(|units| *units > 0.0)
            .map(|units| self.ns_per_op / units)
    }

    fn failed(benchmark: &Benchmark, error: String) -> Self {
        Self {
            scenario: benchmark.name.clone(),
            unit: benchmark.unit,
            ns_per_op: f64::NAN,
            min_ns_per_op: f64::NAN,
            max_ns_per_op: f64::NAN,
            ops_per_sample: 0,
            samples: 0,
            cu_per_op: None,
            cu_price: None,
            error: Some(error),
            cpi_breakdown: None,
            transaction_breakdown: None,
        }
    }
}

/// Times one scenario: warm up (doubling the batch until `warm_up` is spent), size the
/// batch to `sample_time`, take `samples` batches, then check the results.
pub fn measure(benchmark: &Benchmark, timing: &TimingOptions) -> Measurement {
    let mut workload = match benchmark.setup() {
        Ok(workload) => workload,
        Err(error) => return Measurement::failed(benchmark, error),
    };
    let mut ops = 1u64;
    let mut spent = Duration::ZERO;
    let mut gross_per_op;
    loop {
        let sample = workload.run(ops);
        spent += sample.gross;
        gross_per_op = sample.gross.as_nanos() as f64 / sample.ops.max(1) as f64;
        if spent >= timing.warm_up {
            break;
        }
        ops = sample.ops.saturating_mul(2);
    }
    let ops_per_sample =
        ((timing.sample_time.as_nanos() as f64 / gross_per_op.max(1.0)) as u64).clamp(1, 1 << 32);
    let mut per_op: Vec<f64> = (0..timing.samples.max(1))
        .map(|_| workload.run(ops_per_sample).ns_per_op())
        .collect();
    per_op.sort_by(f64::total_cmp);
    let checked = workload.check();
    // Profiled separately: the clock reads would distort the timed runs.
    let cpi_breakdown = if benchmark.group == Group::Cpi {
        workload.cpi_breakdown(200)
    } else {
        None
    };
    let transaction_breakdown = workload.transaction_breakdown(200);
    let (cu_per_op, cu_price, error) = match checked {
        Ok(checked) => (checked.cu_per_op, checked.cu_price, None),
        Err(error) => (None, None, Some(format!("{}: {error}", benchmark.name))),
    };
    Measurement {
        scenario: benchmark.name.clone(),
        unit: benchmark.unit,
        ns_per_op: per_op[per_op.len() / 2],
        min_ns_per_op: per_op[0],
        max_ns_per_op: per_op[per_op.len() - 1],
        ops_per_sample,
        samples: per_op.len(),
        cu_per_op,
        cu_price,
        error,
        cpi_breakdown,
        transaction_breakdown,
    }
}

/// The per-phase table of the CPI scenarios measured, as Markdown.
pub fn breakdown_table(measurements: &[Measurement]) -> String {
    let rows: Vec<_> = measurements
        .iter()
        .filter_map(|m| m.cpi_breakdown.map(|b| (m, b)))
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "\nWhere a CPI's time goes (ns per CPI, profiled runs; execute = the callee's VM run; \
         the remainder is dispatch, logs, frame push/pop and the profiling itself):\n\n\
         | scenario | translate | update callee | serialize | VM setup | execute | deserialize | update caller | sum | ns/op timed |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for (measurement, b) in rows {
        out.push_str(&format!(
            "| {} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {} |\n",
            measurement.scenario,
            b.translate,
            b.update_callee,
            b.serialize,
            b.vm_setup,
            b.execute,
            b.deserialize,
            b.update_caller,
            b.total(),
            format_ns(measurement.ns_per_op)
        ));
    }
    out
}

/// The per-stage table of the signed-transaction scenarios measured, as Markdown.
pub fn transaction_breakdown_table(measurements: &[Measurement]) -> String {
    let rows: Vec<_> = measurements
        .iter()
        .filter_map(|m| m.transaction_breakdown.map(|b| (m, b)))
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "\nWhere a signed transaction's time goes (ns per transaction, profiled runs):\n\n\
         | scenario | sanitize | verify | check | load | execute | commit | sum | ns/op timed |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for (measurement, b) in rows {
        out.push_str(&format!(
            "| {} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {} |\n",
            measurement.scenario,
            b.sanitize,
            b.verify,
            b.check,
            b.load,
            b.execute,
            b.commit,
            b.total(),
            format_ns(measurement.ns_per_op)
        ));
    }
    out
}

fn format_ns(ns: f64) -> String {
    if ns.is_nan() {
        "—".into()
    } else if ns >= 10_000.0 {
        format!("{:.1} µs", ns / 1000.0)
    } else if ns >= 100.0 {
        format!("{ns:.0}")
    } else if ns >= 10.0 {
        format!("{ns:.1}")
    } else {
        format!("{ns:.2}")
    }
}

fn format_units(units: Option<f64>) -> String {
    match units {
        None => String::new(),
        Some(units) if units.fract() == 0.0 => format!("{units:.0}"),
        Some(units) => format!("{units:.1}"),
    }
}

/// The Markdown table of `sbfvm bench`.
pub fn markdown_table(measurements: &[Measurement]) -> String {
    let mut out = String::from(
        "| scenario | ns/op | op | CU/op | ns/CU | syscall CU price |\n\
         |---|---:|---|---:|---:|---:|\n",
    );
    for m in measurements {
        let ns_per_cu = m.ns_per_cu().map_or(String::new(), |ns| format!("{ns:.2}"));
        let price = m.cu_price.map_or(String::new(), |price| price.to_string());
        let ns = match &m.error {
            Some(_) => "FAILED".to_string(),
            None => format_ns(m.ns_per_op),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            m.scenario,
            ns,
            m.unit,
            format_units(m.cu_per_op),
            ns_per_cu,
            price
        ));
    }
    out
}

// The JSON form. Each struct lists its fields in alphabetical order: the order the keys
// have always had (serde_json sorts the keys of a map).

/// One [`Measurement`] as JSON; a time that is not a number is `null`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JsonMeasurement<'a> {
    /// [`Measurement::cpi_breakdown`], ns per CPI.
    pub cpi_breakdown_ns: Option<JsonCpiBreakdown>,
    /// [`Measurement::cu_per_op`].
    pub cu_per_op: Option<f64>,
    /// [`Measurement::cu_price`].
    pub cu_price: Option<u64>,
    /// [`Measurement::error`].
    pub error: Option<&'a str>,
    /// [`Measurement::max_ns_per_op`].
    pub max_ns_per_op: Option<f64>,
    /// [`Measurement::min_ns_per_op`].
    pub min_ns_per_op: Option<f64>,
    /// [`Measurement::ns_per_cu`].
    pub ns_per_cu: Option<f64>,
    /// [`Measurement::ns_per_op`].
    pub ns_per_op: Option<f64>,
    /// [`Measurement::ops_per_sample`].
    pub ops_per_sample: u64,
    /// [`Measurement::samples`].
    pub samples: usize,
    /// [`Measurement::scenario`].
    pub scenario: &'a str,
    /// [`Measurement::transaction_breakdown`], ns per transaction.
    pub transaction_breakdown_ns: Option<JsonTransactionBreakdown>,
    /// [`Measurement::unit`].
    pub unit: &'static str,
}

/// [`TransactionBreakdown`] as JSON.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct JsonTransactionBreakdown {
    /// [`TransactionBreakdown::check`].
    pub check: f64,
    /// [`TransactionBreakdown::commit`].
    pub commit: f64,
    /// [`TransactionBreakdown::execute`].
    pub execute: f64,
    /// [`TransactionBreakdown::load`].
    pub load: f64,
    /// [`TransactionBreakdown::sanitize`].
    pub sanitize: f64,
    /// [`TransactionBreakdown::verify`].
    pub verify: f64,
}

impl From<TransactionBreakdown> for JsonTransactionBreakdown {
    fn from(b: TransactionBreakdown) -> Self {
        Self {
            check: b.check,
            commit: b.commit,
            execute: b.execute,
            load: b.load,
            sanitize: b.sanitize,
            verify: b.verify,
        }
    }
}

/// [`CpiBreakdown`] as JSON.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct JsonCpiBreakdown {
    /// [`CpiBreakdown::cpis`].
    pub cpis: u64,
    /// [`CpiBreakdown::deserialize`], ns per CPI.
    pub deserialize: f64,
    /// [`CpiBreakdown::execute`], ns per CPI.
    pub execute: f64,
    /// [`CpiBreakdown::serialize`], ns per CPI.
    pub serialize: f64,
    /// [`CpiBreakdown::translate`], ns per CPI.
    pub translate: f64,
    /// [`CpiBreakdown::update_callee`], ns per CPI.
    pub update_callee: f64,
    /// [`CpiBreakdown::update_caller`], ns per CPI.
    pub update_caller: f64,
    /// [`CpiBreakdown::vm_setup`], ns per CPI.
    pub vm_setup: f64,
}

impl From<CpiBreakdown> for JsonCpiBreakdown {
    fn from(b: CpiBreakdown) -> Self {
        Self {
            cpis: b.cpis,
            deserialize: b.deserialize,
            execute: b.execute,
            serialize: b.serialize,
            translate: b.translate,
            update_callee: b.update_callee,
            update_caller: b.update_caller,
            vm_setup: b.vm_setup,
        }
    }
}

/// The same numbers as JSON.
pub fn json(measurements: &[Measurement]) -> Vec<JsonMeasurement<'_>> {
    let finite = |value: f64| value.is_finite().then_some(value);
    measurements
        .iter()
        .map(|m| JsonMeasurement {
            cpi_breakdown_ns: m.cpi_breakdown.map(JsonCpiBreakdown::from),
            cu_per_op: m.cu_per_op,
            cu_price: m.cu_price,
            error: m.error.as_deref(),
            max_ns_per_op: finite(m.max_ns_per_op),
            min_ns_per_op: finite(m.min_ns_per_op),
            ns_per_cu: m.ns_per_cu(),
            ns_per_op: finite(m.ns_per_op),
            ops_per_sample: m.ops_per_sample,
            samples: m.samples,
            scenario: &m.scenario,
            transaction_breakdown_ns: m.transaction_breakdown.map(JsonTransactionBreakdown::from),
            unit: m.unit,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_and_json_have_a_row_per_measurement() {
        let measurement = Measurement {
            scenario: "syscall/x".into(),
            unit: "call",
            ns_per_op: 50.0,
            min_ns_per_op: 49.0,
            max_ns_per_op: 51.0,
            ops_per_sample: 10,
            samples: 3,
            cu_per_op: Some(105.0),
            cu_price: Some(100),
            error: None,
            cpi_breakdown: None,
            transaction_breakdown: None,
        };
        let table = markdown_table(std::slice::from_ref(&measurement));
        assert!(
            table.contains("| syscall/x | 50.0 | call | 105 | 0.48 | 100 |"),
            "{table}"
        );
        let value = serde_json::to_value(json(&[measurement])).unwrap();
        assert_eq!(value[0]["cu_price"], 100);
        assert_eq!(value[0]["ns_per_op"], 50.0);
    }

    /// The JSON is serialized from structs; its keys must stay in the alphabetical order
    /// they have always had.
    #[test]
    fn json_keys_are_in_alphabetical_order() {
        let measurement = Measurement {
            scenario: "cpi/x".into(),
            unit: "CPI",
            ns_per_op: 50.0,
            min_ns_per_op: f64::NAN,
            max_ns_per_op: 51.0,
            ops_per_sample: 10,
            samples: 3,
            cu_per_op: Some(105.0),
            cu_price: None,
            error: Some("x".into()),
            cpi_breakdown: Some(CpiBreakdown::default()),
            transaction_breakdown: None,
        };
        let measurements = [measurement];
        let json = json(&measurements);
        let as_declared = serde_json::to_string(&json).unwrap();
        let sorted = serde_json::to_string(&serde_json::to_value(&json).unwrap()).unwrap();
        assert_eq!(as_declared, sorted);
        assert!(
            as_declared.contains(r#""min_ns_per_op":null"#),
            "{as_declared}"
        );
    }
}
