//! The worker engine's merge: files read in any order, by any worker, give
//! the same data set as reading them one after another, and the result form
//! that crosses the worker boundary loses nothing.

mod common;

use tlsrpt_viewer::analysis::{Dataset, FileOutcome, FileResult, Growth, Overview};
use tlsrpt_viewer::engine::{encode_chunks, AnswerBytes, ChunkReader, Reorder};
use tlsrpt_viewer::ingest::Limits;

/// Files with duplicates across them: every fixture, the containers built
/// from them, and the fixtures again under other names.
fn files() -> Vec<(String, Vec<u8>)> {
    let mut all = common::fixtures();
    all.extend(common::containers());
    let again: Vec<(String, Vec<u8>)> =
        common::fixtures().into_iter().take(8).map(|(n, b)| (format!("again-{n}"), b)).collect();
    all.extend(again);
    all
}

/// File rows, kept deliveries (organization, report-id, the file kept from,
/// the files that delivered it again) and the overview, as comparable values.
type Picture = (Vec<String>, Vec<(String, String, usize, Vec<usize>)>, String);

/// A comparable picture of a data set.
fn picture(d: &Dataset) -> Picture {
    picture_with(d, |f| format!("{f:?}"))
}

/// The picture, with each file's problems in sorted order: a file read in
/// parts lists each part's parse warnings before that part's merge notes
/// (duplicates), where a whole file lists all its parse warnings first.
fn picture_any_problem_order(d: &Dataset) -> Picture {
    picture_with(d, |f| {
        let mut f = f.clone();
        f.problems.sort_by(|a, b| (&a.origin, &a.message, a.is_error).cmp(&(&b.origin, &b.message, b.is_error)));
        format!("{f:?}")
    })
}

fn picture_with(d: &Dataset, file: impl Fn(&FileOutcome) -> String) -> Picture {
    let files = d.files().iter().map(file).collect();
    let kept = d
        .reports()
        .iter()
        .map(|s| (s.report.organization_name.clone(), s.report.report_id.clone(), s.file, s.duplicate_files.clone()))
        .collect();
    (files, kept, format!("{:?}", Overview::compute(d)))
}

/// xorshift, for reproducible shuffles.
fn shuffle<T>(v: &mut [T], mut seed: u64) {
    for i in (1..v.len()).rev() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        v.swap(i, (seed % (i as u64 + 1)) as usize);
    }
}

#[test]
fn any_completion_order_gives_the_same_data_set() {
    let files = files();
    let sequential = load_whole(&files);
    let want = picture(&sequential);
    assert!(sequential.duplicate_count() > 8, "the corpus must hold duplicates to test which delivery is kept");
    let results: Vec<(u64, Vec<u8>)> = files
        .iter()
        .enumerate()
        .map(|(i, (n, b))| (i as u64, FileResult::read(n, b, &Limits::default()).encode()))
        .collect();
    for seed in [1u64, 7, 42, 1234, 99_999] {
        let mut arrival = results.clone();
        shuffle(&mut arrival, seed);
        let mut order = Reorder::new();
        let mut merged = Dataset::new();
        for (seq, bytes) in arrival {
            for r in order.push(seq, FileResult::decode(&bytes).expect("decodes")) {
                merged.add_result(r);
            }
        }
        assert_eq!(order.waiting(), 0);
        assert_eq!(picture(&merged), want, "completion order {seed} changed the data set");
    }
}

#[test]
fn a_result_survives_the_round_trip() {
    for (name, bytes) in files() {
        let r = FileResult::read(&name, &bytes, &Limits::default());
        let back = FileResult::decode(&r.encode()).expect("decodes");
        assert_eq!(back, r, "{name}");
    }
    assert!(FileResult::decode(b"\x01\x02junk").is_err());
}

#[test]
fn unknown_fields_odd_dates_and_damage_survive_the_boundary() {
    // Unknown fields of every JSON kind, a date before 1970, text that is
    // not ASCII, a failure detail with every optional field.
    let json = r#"{"organization-name":"Exämple ☃","report-id":"r\"1","x-vendor":{"a":[1,2.5,-3,null,true,"s"],"b":{}},"x-n":-12345678901,
        "date-range":{"start-datetime":"1969-12-31T00:00:00Z","end-datetime":"1969-12-31T23:59:59Z"},
        "policies":[{"policy":{"policy-type":"sts","policy-string":["version: STSv1","mode: enforce","mx: *.example"],"policy-domain":"example","mx-host":["*.example"]},
        "summary":{"total-successful-session-count":123456789012,"total-failure-session-count":3},
        "failure-details":[{"result-type":"something-new","sending-mta-ip":"2001:db8::1","receiving-mx-hostname":"mx.example","receiving-mx-helo":"helo",
        "receiving-ip":"192.0.2.1","failed-session-count":3,"additional-information":"https://example/x","failure-reason-code":"X 1.2"}]}]}"#;
    let r = FileResult::read("odd.json", json.as_bytes(), &Limits::default());
    assert_eq!(r.deliveries.len(), 1, "{:?}", r.outcome.problems);
    assert!(!r.deliveries[0].report.extra.is_empty(), "the unknown fields are kept");
    let bytes = r.encode();
    assert_eq!(FileResult::decode(&bytes).expect("decodes"), r);
    // Cut anywhere, the answer is damaged: an error, never a panic or a
    // shorter result.
    for cut in 0..bytes.len() {
        assert!(FileResult::decode(&bytes[..cut]).is_err(), "cut at {cut}");
    }
}

#[test]
fn chunked_answers_merge_like_whole_results() {
    let files = files();
    let mut whole = Dataset::new();
    let mut chunked = Dataset::new();
    for (name, bytes) in &files {
        let r = FileResult::read(name, bytes, &Limits::default());
        whole.add_result(r.clone());
        // Copied out a chunk at a time, as the page reads a worker's array.
        let mut reader = ChunkReader::new(Copied(encode_chunks(r, 3)));
        let mut id = None;
        while let Some(chunk) = reader.next_chunk() {
            let chunk = chunk.expect("decodes");
            if let Some(outcome) = chunk.outcome {
                id = Some(chunked.open_result(outcome));
            }
            chunked.add_deliveries(id.expect("the outcome comes first"), chunk.deliveries);
        }
        chunked.finish_file(id.expect("one chunk at least"));
    }
    assert_eq!(picture(&chunked), picture(&whole));
    let mut damaged = ChunkReader::new(vec![9, 0, 0, 0, 1]);
    assert!(damaged.next_chunk().is_some_and(|c| c.is_err()));
    let mut cut = ChunkReader::new(Copied(vec![9, 0]));
    assert!(cut.next_chunk().is_some_and(|c| c.is_err()));
}

#[test]
fn room_made_ahead_of_each_chunk_changes_nothing_and_leaves_nothing_to_grow() {
    let files = files();
    let whole = load_whole(&files);
    let mut ahead = Dataset::new();
    assert_eq!(
        ahead.make_room(Growth { reports: 1, ..Growth::default() }, false),
        Some(0),
        "an empty table has no room"
    );
    let mut grown = 0;
    for (name, bytes) in &files {
        let mut reader = ChunkReader::new(encode_chunks(FileResult::read(name, bytes, &Limits::default()), 3));
        let mut id = None;
        while let Some(chunk) = reader.next_chunk() {
            let chunk = chunk.expect("decodes");
            let g = Growth::of(&chunk.deliveries);
            // Each call grows one table (a bound, so a broken one fails rather than hangs).
            for _ in 0..64 {
                if ahead.make_room(g, true).is_none() {
                    break;
                }
                grown += 1;
            }
            assert_eq!(ahead.make_room(g, false), None, "{name}: room for {g:?}");
            if let Some(outcome) = chunk.outcome {
                id = Some(ahead.open_result(outcome));
            }
            ahead.add_deliveries(id.expect("the outcome comes first"), chunk.deliveries);
        }
        ahead.finish_file(id.expect("one chunk at least"));
    }
    assert!(grown > 10, "tables grew ahead {grown} times");
    assert_eq!(picture(&ahead), picture(&whole));
}

/// An answer that hands out copies, like the page's view on a worker's array.
struct Copied(Vec<u8>);

impl AnswerBytes for Copied {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn range(&self, start: usize, end: usize) -> Option<std::borrow::Cow<'_, [u8]>> {
        self.0.get(start..end).map(|b| std::borrow::Cow::Owned(b.to_vec()))
    }
}

/// Every file loaded whole, one after another, on one thread: the reference.
fn load_whole(files: &[(String, Vec<u8>)]) -> Dataset {
    let mut d = Dataset::new();
    for (name, bytes) in files {
        d.add_file(name, bytes);
    }
    d
}

/// Merges one file read in `parts` parts, as the page merges the workers'
/// answers: part 0 opens the file, later parts add to it, the last closes it.
fn merge_parts(d: &mut Dataset, name: &str, bytes: &[u8], parts: usize) {
    let mut id = None;
    for part in 0..parts {
        let r = FileResult::read_part(name, bytes, &Limits::default(), part, parts);
        let mut reader = ChunkReader::new(encode_chunks(r, 4));
        while let Some(chunk) = reader.next_chunk() {
            let chunk = chunk.expect("decodes");
            if let Some(outcome) = chunk.outcome {
                match id {
                    None => id = Some(d.open_result(outcome)),
                    Some(id) => d.continue_result(id, outcome),
                }
            }
            d.add_deliveries(id.expect("the outcome comes first"), chunk.deliveries);
        }
    }
    d.finish_file(id.expect("part 0 opened it"));
}

#[test]
fn an_archive_read_in_parts_merges_like_the_whole() {
    let files = files();
    let whole = load_whole(&files);
    let want = picture_any_problem_order(&whole);
    let split: Vec<&(String, Vec<u8>)> =
        files.iter().filter(|(n, _)| n.ends_with(".zip") || n.ends_with(".mbox")).collect();
    assert!(split.len() >= 3, "archives and mailboxes to split");
    for parts in [2, 3, 5, 8, 40] {
        let mut merged = Dataset::new();
        for (name, bytes) in &files {
            let n = if split.iter().any(|(s, _)| s == name) { parts } else { 1 };
            merge_parts(&mut merged, name, bytes, n);
        }
        assert_eq!(picture_any_problem_order(&merged), want, "read in {parts} parts");
    }
}

#[test]
fn only_big_archives_and_mailboxes_are_split() {
    use tlsrpt_viewer::engine::{split_count, MAX_SPLIT, SPLIT_BYTES};
    let zip = b"PK\x03\x04....";
    assert_eq!(split_count(zip, SPLIT_BYTES - 1, 2), 1);
    assert_eq!(split_count(zip, SPLIT_BYTES, 2), 1);
    assert_eq!(split_count(zip, SPLIT_BYTES + 1, 2), 2);
    assert_eq!(split_count(zip, SPLIT_BYTES * 3, 1), 1, "one worker reads it whole");
    assert_eq!(split_count(zip, SPLIT_BYTES * 3, 2), 4, "as many parts for each worker");
    assert_eq!(split_count(zip, SPLIT_BYTES * 3, 4), 4);
    assert_eq!(split_count(zip, SPLIT_BYTES * 100, 3), 6, "a multiple of the workers, at most MAX_SPLIT");
    assert_eq!(split_count(b"From a@b Mon Jan  1 00:00:00 2024\n", SPLIT_BYTES * 100, 2), MAX_SPLIT);
    assert_eq!(split_count(b"\x1f\x8b\x08....", SPLIT_BYTES * 5, 2), 1, "a gzip stream is one unit");
    assert_eq!(split_count(b"{\"organization-name\"", SPLIT_BYTES * 5, 2), 1);
}

/// A batch read in one call answers exactly as its files read one by one,
/// in order, and tells which file it is on before reading each; bounds out
/// of order give that file an empty answer and leave the others alone.
#[test]
fn a_batch_answers_like_its_files_one_by_one() {
    use tlsrpt_viewer::engine::{ingest_batch, ingest_encoded};
    let files = files();
    let (mut all, mut ends, mut names) = (Vec::new(), Vec::new(), String::new());
    for (name, bytes) in &files {
        all.extend_from_slice(bytes);
        ends.push(all.len() as f64);
        names.push_str(name);
        names.push('\0');
    }
    let mut seen = Vec::new();
    let (out, out_ends) = ingest_batch(&names, &all, &ends, |i| seen.push(i));
    assert_eq!(seen, (0..files.len()).collect::<Vec<_>>());
    assert_eq!(out_ends.len(), files.len());
    let mut start = 0;
    for (i, (name, bytes)) in files.iter().enumerate() {
        let end = out_ends[i] as usize;
        assert_eq!(out[start..end], ingest_encoded(name, bytes)[..], "file {i} ({name})");
        start = end;
    }
    assert_eq!(start, out.len());

    // File 1's end before its start: no answer for it; file 2 reads from
    // where file 1 was said to end.
    let ends = [3.0, 2.0, all.len() as f64];
    let mut seen = Vec::new();
    let (out, out_ends) = ingest_batch("a\0b\0c\0", &all, &ends, |i| seen.push(i));
    assert_eq!(seen, vec![0, 2]);
    assert_eq!(out_ends[0], out_ends[1]);
    assert_eq!(out[out_ends[1] as usize..], ingest_encoded("c", &all[2..])[..]);
}
