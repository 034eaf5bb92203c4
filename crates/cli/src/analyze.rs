//! `blastmap analyze`: counts, then findings, most serious first.

use std::fmt::Write as _;
use std::io::Write;

use blastmap_analysis::rules::{Finding, Severity};
use blastmap_ingest::Loaded;
use blastmap_model::{AttachedIdentity, arm};
use serde::Serialize;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Summary {
    user_assigned_identities: usize,
    system_assigned_identities: usize,
    sources: usize,
    resources: usize,
    role_assignments: usize,
    principals: usize,
    findings: BySeverity,
}

/// How many findings each severity has, written most serious first.
struct BySeverity([usize; Severity::ALL.len()]);

impl BySeverity {
    fn of(findings: &[Finding]) -> Self {
        BySeverity(Severity::ALL.map(|s| findings.iter().filter(|f| f.severity == s).count()))
    }

    fn iter(&self) -> impl Iterator<Item = (Severity, usize)> + '_ {
        Severity::ALL.into_iter().zip(self.0.iter().copied())
    }
}

impl Serialize for BySeverity {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter().map(|(severity, n)| (severity.as_str(), n)))
    }
}

#[derive(Serialize)]
struct DiagnosticJson<'a> {
    severity: &'static str,
    file: &'a str,
    path: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct FindingJson<'a> {
    rule: &'static str,
    name: &'static str,
    severity: &'static str,
    title: &'a str,
    subjects: &'a [String],
    /// Subjects beyond those listed, counted only.
    #[serde(rename = "subjectsOmitted", skip_serializing_if = "is_zero")]
    subjects_omitted: usize,
    message: &'a str,
    evidence: &'a [String],
    fix: &'a str,
    reach: usize,
}

#[derive(Serialize)]
struct Output<'a> {
    summary: Summary,
    diagnostics: Vec<DiagnosticJson<'a>>,
    findings: Vec<FindingJson<'a>>,
}

/// Writes the counts and `findings` as text or JSON; a closed pipe is not an error worth a
/// message, so write errors end the output quietly.
pub fn write(out: &mut impl Write, loaded: &Loaded, findings: &[Finding], json: bool) {
    let inventory = &loaded.inventory;
    let mut system: Vec<_> = inventory
        .attachments()
        .iter()
        .filter(|a| matches!(a.identity, AttachedIdentity::System { .. }))
        .map(|a| a.source)
        .collect();
    system.sort_unstable();
    system.dedup();
    let summary = Summary {
        user_assigned_identities: inventory.identities().len(),
        system_assigned_identities: system.len(),
        sources: inventory.sources().len(),
        resources: inventory.resources().len(),
        role_assignments: inventory.role_assignments().len(),
        principals: inventory.principals().len(),
        findings: BySeverity::of(findings),
    };
    if json {
        as_json(out, loaded, summary, findings);
    } else {
        let _ = out.write_all(as_text(&summary, findings).as_bytes());
    }
}

fn as_json(out: &mut impl Write, loaded: &Loaded, summary: Summary, findings: &[Finding]) {
    let diagnostics = loaded
        .files
        .iter()
        .flat_map(|f| &f.diagnostics)
        .map(|d| DiagnosticJson { severity: d.severity.as_str(), file: &d.file, path: &d.path, message: &d.message })
        .collect();
    let findings = findings
        .iter()
        .map(|f| FindingJson {
            rule: f.rule,
            name: f.name,
            severity: f.severity.as_str(),
            title: &f.title,
            subjects: &f.subjects,
            subjects_omitted: f.subjects_omitted,
            message: &f.message,
            evidence: &f.evidence,
            fix: &f.fix,
            reach: f.reach,
        })
        .collect();
    crate::write_json(out, &Output { summary, diagnostics, findings });
}

/// Subjects a finding names in text output.
const SUBJECTS_NAMED: usize = 5;

fn is_zero(n: &usize) -> bool {
    *n == 0
}

fn as_text(summary: &Summary, findings: &[Finding]) -> String {
    let mut out = [
        crate::count(summary.user_assigned_identities, "user-assigned identity", "user-assigned identities"),
        crate::count(summary.system_assigned_identities, "system-assigned identity", "system-assigned identities"),
        crate::count(summary.sources, "source", "sources"),
        crate::count(summary.resources, "resource", "resources"),
        crate::count(summary.role_assignments, "role assignment", "role assignments"),
        crate::count(summary.principals, "principal", "principals"),
    ]
    .join(", ");
    out.push('\n');
    let counts: Vec<String> =
        summary.findings.iter().filter(|&(_, n)| n > 0).map(|(s, n)| format!("{n} {}", s.as_str())).collect();
    let _ = writeln!(out, "findings: {}", if counts.is_empty() { "none".to_owned() } else { counts.join(", ") });
    for severity in Severity::ALL {
        let group: Vec<&Finding> = findings.iter().filter(|f| f.severity == severity).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{}", severity.as_str().to_uppercase());
        for f in group {
            let _ = writeln!(out, "  {} {}: {}", f.rule, f.name, f.title);
            let _ = writeln!(out, "    {}", f.message);
            // Names, not ids, and a few of them: a terminal line, not a listing (JSON has the ids).
            let names: Vec<&str> = f.subjects.iter().take(SUBJECTS_NAMED).map(|s| arm::last_segment(s)).collect();
            let more = f.subjects.len() + f.subjects_omitted - names.len();
            let more = if more > 0 { format!(" and {more} more") } else { String::new() };
            let _ = writeln!(out, "    subjects: {}{more}", names.join(", "));
            for e in &f.evidence {
                let _ = writeln!(out, "    evidence: {e}");
            }
            let _ = writeln!(out, "    fix: {}", f.fix);
        }
    }
    out
}
