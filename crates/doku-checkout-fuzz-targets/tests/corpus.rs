//! Replays every committed fuzz input (seeds and found crashes) through its target.

use std::path::PathBuf;

#[test]
fn every_corpus_input_runs_clean() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus");
    let mut total = 0;
    for (name, target) in doku_checkout_fuzz_targets::TARGETS {
        let dir = root.join(name);
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let mut count = 0;
        for entry in entries {
            let path = entry.expect("entry").path();
            let data = std::fs::read(&path).expect("read");
            target(&data);
            count += 1;
        }
        assert!(count > 0, "no corpus for {name}");
        total += count;
    }
    eprintln!("replayed {total} corpus inputs");
}
