//! `Loader::read_from`, which copies a plain list out a piece at a time, reads every file as
//! `load` reads it whole: the same inventory, the same reports.

use blastmap_ingest::{DeploymentContext, Loaded, Loader, SourceFile, load, native, sample};

/// What a load gave, comparable: the inventory in Blastmap's own format, and the reports.
fn outcome(loaded: &Loaded) -> (String, String) {
    (native::write(&loaded.inventory), format!("{:?}", loaded.files))
}

fn from_sources(files: &[SourceFile<'_>]) -> Loaded {
    let mut loader = Loader::new(&DeploymentContext::default());
    let mut kept = Vec::new();
    for file in files {
        let bytes = loader.read_from(file.name, file.bytes, |_| {});
        kept.push(bytes);
    }
    loader.finish(files, |_| {})
}

#[test]
fn files_read_from_their_source_read_as_whole_files_do() {
    let generated = blastmap_synth::generate(&blastmap_synth::TenantSpec { resources: 400, seed: 9 });
    let resources = &generated.files[1].bytes;
    let mut damaged = resources.clone();
    damaged[resources.len() / 2] = 0xC3;
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(resources);
    let utf16: Vec<u8> =
        [0xFF, 0xFE].into_iter().chain(sample::JSON.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let cut = &resources[..resources.len() * 2 / 3];
    // A syntax error before the damage: the damage is what is reported, as for the whole file.
    let bad_then_damaged = [b"[{} {}".as_slice(), &damaged].concat();
    let trailing = [resources.as_slice(), b" x"].concat();
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let template =
        br#"[{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"}]"#;
    let cases: Vec<(&str, &[u8])> = vec![
        ("identities.json", &generated.files[0].bytes),
        ("resources.json", resources),
        ("assignments.json", &generated.files[2].bytes),
        ("roles.json", &generated.files[3].bytes),
        ("damaged.json", &damaged),
        ("bom.json", &bom),
        ("utf16.json", &utf16),
        ("cut.json", cut),
        ("bad-then-damaged.json", &bad_then_damaged),
        ("trailing.json", &trailing),
        ("deep.json", deep.as_bytes()),
        ("other.json", br#"[{"a": 1, "b": 2}, {"c": 3}]"#),
        ("empty-list.json", b" [ ] "),
        ("empty.json", b""),
        ("sample.json", sample::JSON.as_bytes()),
        ("design-in-a-list.json", template),
    ];
    for (name, bytes) in &cases {
        let file = [SourceFile { name, bytes }];
        assert_eq!(outcome(&from_sources(&file)), outcome(&load(&file)), "{name}");
    }
    // All at once, in order: later files merge into what earlier ones read.
    let files: Vec<SourceFile<'_>> = cases.iter().map(|&(name, bytes)| SourceFile { name, bytes }).collect();
    assert_eq!(outcome(&from_sources(&files)), outcome(&load(&files)));
}

#[test]
fn a_list_damaged_part_way_keeps_what_came_before_the_damage() {
    let text = r#"[{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/a", "type": "Microsoft.Web/sites"},
                  {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/caf"#;
    let bytes = [text.as_bytes(), b"\xe9\"}]"].concat();
    let loaded = load(&[SourceFile { name: "latin1.json", bytes: &bytes }]);
    let messages: Vec<String> = loaded.files[0].diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].starts_with(&format!("error: latin1.json: the encoding is damaged: byte {} ", text.len())));
    assert_eq!(messages[1], "warning: latin1.json: the objects before this point were read");
    assert_eq!(loaded.inventory.resources().len(), 1);
}
