//! The longest single steps of merging a big archive's answers, as the page
//! merges them a chunk at a time: without room made ahead, a chunk that
//! fills several tables at once holds the merge far longer than the others;
//! with [`Dataset::make_room`] before each chunk, the tables grow one per
//! step instead (the page gives a big one a task of its own).
//!
//! `cargo run --release --example merge_spikes -- CORPUS_DIR` (the largest
//! file of its `files/`, e.g. zip-100kdom from `scripts/bench domains`).

use std::time::Instant;

use tlsrpt_viewer::analysis::{Dataset, Growth};
use tlsrpt_viewer::engine::{ingest_part_encoded, merge_chunk, split_count, ChunkReader};

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: merge_spikes CORPUS_DIR");
        std::process::exit(2);
    };
    let largest = std::fs::read_dir(std::path::Path::new(&dir).join("files"))
        .expect("corpus/files")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .max_by_key(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
        .expect("a file");
    let bytes = std::fs::read(&largest).expect("readable");
    // Read in parts, as two workers would.
    let parts = split_count(&bytes[..bytes.len().min(64)], bytes.len(), 2);
    let answers: Vec<Vec<u8>> = (0..parts).map(|k| ingest_part_encoded("big", &bytes, k, parts)).collect();
    for ahead in [false, true] {
        let (mut data, mut id) = (Dataset::new(), None);
        let (mut chunks, mut growths) = (Vec::new(), Vec::new());
        for (k, answer) in answers.iter().enumerate() {
            let mut reader = ChunkReader::new(answer.clone());
            while let Some(Ok(chunk)) = reader.next_chunk() {
                let g = Growth::of(&chunk.deliveries);
                if ahead {
                    loop {
                        let t = Instant::now();
                        if data.make_room(g, true).is_none() {
                            break;
                        }
                        growths.push(t.elapsed().as_secs_f64() * 1e3);
                    }
                }
                let t = Instant::now();
                id = merge_chunk(&mut data, id, k > 0, chunk);
                chunks.push(t.elapsed().as_secs_f64() * 1e3);
            }
        }
        let top = |v: &mut Vec<f64>| {
            v.sort_by(|a, b| b.total_cmp(a));
            v.iter().take(4).map(|ms| format!("{ms:.1}")).collect::<Vec<_>>().join(", ")
        };
        let mean = chunks.iter().sum::<f64>() / chunks.len().max(1) as f64;
        println!(
            "{} reports in {} chunks, room made ahead: {ahead}; chunk mean {mean:.2} ms, longest {} ms; growths {}, longest {} ms",
            data.reports().len(),
            chunks.len(),
            top(&mut chunks),
            growths.len(),
            top(&mut growths)
        );
    }
}
