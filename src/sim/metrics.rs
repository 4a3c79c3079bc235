//! The per-replication metrics (one row of `replications.csv` each).

macro_rules! metrics {
    ($( $(#[$doc:meta])* $idx:ident = $name:literal ),* $(,)?) => {
        /// Indices of the metrics in a [`Metrics`] row.
        #[allow(missing_docs)]
        pub mod idx {
            metrics!(@consts 0usize; $($idx),*);
        }
        /// Metric names, in column order.
        pub const NAMES: &[&str] = &[$($name),*];
    };
    (@consts $n:expr; $head:ident $(, $tail:ident)*) => {
        pub const $head: usize = $n;
        metrics!(@consts $n + 1usize; $($tail),*);
    };
    (@consts $n:expr;) => {
        /// Number of metrics.
        pub const COUNT: usize = $n;
    };
}

metrics! {
    REACHED = "reached",
    REACHED_RECORDS = "reached_records",
    REACHED_EXPOSURE = "reached_exposure",
    REACHED_LOSS = "reached_loss",
    RECORDS_LEAKED = "records_leaked",
    EXPOSURE = "exposure",
    LOSS = "loss",
    LEAKED = "leaked",
    FIRST_LEAK_HOURS = "first_leak_hours",
    ACCESSED_RECORDS = "accessed_records",
    ILLICIT_ATTEMPTS = "illicit_attempts",
    BLOCKED_FIREWALL = "blocked_firewall",
    STOPPED_CODE_REVIEW = "stopped_code_review",
    REFUSED_REVIEW = "refused_review",
    BYPASSED_REVIEW = "bypassed_review",
    BLOCKED_ENCLAVE = "blocked_enclave",
    SUCCESSFUL_THEFTS = "successful_thefts",
    SEIZURES = "seizures",
    OPERATOR_HANDOVERS = "operator_handovers",
    DETECTED = "detected",
    MEAN_DETECT_HOURS = "mean_detect_hours",
    LEGIT_REQUESTS = "legit_requests",
    LEGIT_BLOCKED = "legit_blocked",
    REVIEW_MEAN_WAIT_HOURS = "review_mean_wait_hours",
    REVIEWER_UTILIZATION = "reviewer_utilization",
    CONTROL_COST = "control_cost",
    EVENTS = "events",
    TOTAL_COST = "total_cost",
    INSIDERS = "insiders",
    NO_DATA_ATTEMPTS = "no_data_attempts",
    CIRCUMVENTED_REVIEW = "circumvented_review",
    BACKLOG_BYPASSED = "backlog_bypassed",
    REVIEWED_REQUESTS = "reviewed_requests",
    COMPELLED_DEMANDS = "compelled_demands",
    COMPELLED_THEFTS = "compelled_thefts",
    FLOWS_BLOCKED = "flows_blocked",
    DELAY_COST = "delay_cost",
    REACHED_CMC = "reached_cmc",
}

/// One replication's metrics; NaN marks an empty cell (e.g. no leak: no `first_leak_hours`).
pub type Metrics = [f64; idx::COUNT];

/// Metrics that are probabilities (0/1 per replication): summarised with Wilson intervals.
pub fn is_probability(i: usize) -> bool {
    i == idx::LEAKED || i == idx::REACHED
}

/// Short descriptions of each metric, for the README and `--help`.
pub fn describe(name: &str) -> &'static str {
    match name {
        "reached" => "1 if a record of the question's classes reached one of its recipients, else 0",
        "reached_records" => "distinct records of the question's classes its recipients obtained",
        "reached_exposure" => "reached_records x class weight",
        "reached_loss" => "reached_records x loss per record",
        "accessed_records" => "distinct records read by staff through approved legitimate requests",
        "operator_handovers" => "demands served by a company subject to the demanding state",
        "records_leaked" => "distinct records that left the owner's control (any recipient, any route)",
        "exposure" => "records leaked x class weight",
        "loss" => "records leaked x loss per record",
        "leaked" => "1 if any record leaked, else 0",
        "first_leak_hours" => "hour of the first leak (empty: none)",
        "illicit_attempts" => "illicit attempts (insiders and compelled members)",
        "blocked_firewall" => "direct illicit attempts blocked by the firewall",
        "stopped_code_review" => "attempts stopped by source-code review",
        "refused_review" => "illicit requests refused by gatekeepers",
        "bypassed_review" => {
            "illicit attempts that skipped review (circumvented or backlog bypass)"
        }
        "blocked_enclave" => "exfiltrations stopped by the enclave",
        "successful_thefts" => "illicit accesses that took records",
        "seizures" => "demands served by seizure",
        "detected" => "people caught by audits: an insider once (then removed), a compelled member per access",
        "mean_detect_hours" => "mean hours from a successful access to its detection",
        "legit_requests" => "legitimate requests",
        "legit_blocked" => "legitimate requests blocked (no review path through the firewall)",
        "review_mean_wait_hours" => "mean wait before review starts, of reviewed requests (within the horizon)",
        "reviewer_utilization" => "share of reviewer time busy while the team is active",
        "control_cost" => "yearly control costs x years active within the horizon (a perimeter's controls until its last store is deleted)",
        "delay_cost" => "hours legitimate requests waited for review within the horizon x legit_wait_per_hour",
        "events" => "events simulated",
        "total_cost" => "loss + control_cost + delay_cost",
        "insiders" => "malicious insiders drawn",
        "no_data_attempts" => "illicit attempts that found no store holding the class",
        "circumvented_review" => "illicit attempts that went around review",
        "backlog_bypassed" => "requests approved unreviewed after bypass_after_hours",
        "reviewed_requests" => "requests that entered gatekeeper review",
        "compelled_demands" => "compelled demands issued",
        "compelled_thefts" => "compelled members' accesses that took records",
        "flows_blocked" => "flow copies blocked by the egress firewall",
        "reached_cmc" => "conditional Monte Carlo estimate of reached: its mean estimates P(reached) with a smaller variance",
        _ => "",
    }
}
